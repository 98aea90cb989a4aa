/**
 * The self-contained HTML report of `borex compare --out`: the tables, the mean insertion and
 * deletion curves of each method, and the distribution of the paired differences of each
 * comparison. Inline SVG and CSS only: no script, no network, no CDN.
 */
import { ALTERNATIVE, formatP, METRIC_LABELS, prettyMethod, type Comparison, type JoinedItem, type MetricName, type PairRow } from './compare.ts';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n3 = (v: number) => (Math.round(v * 1000) / 1000).toString();

/** Resamples a curve (equal steps over the fraction of pixels 0…1) to `points` values. */
export function resampleCurve(curve: readonly number[], points = 101): number[] {
  const out: number[] = [];
  const n = curve.length - 1;
  for (let i = 0; i < points; i++) {
    if (n <= 0) {
      out.push(curve[0] ?? 0);
      continue;
    }
    const t = (i / (points - 1)) * n;
    const k = Math.min(Math.floor(t), n - 1);
    const f = t - k;
    out.push(curve[k] * (1 - f) + curve[k + 1] * f);
  }
  return out;
}

/** Mean curve per method over the items where that method succeeded. */
export function meanCurves(items: JoinedItem[], methods: string[], kind: 'insertion' | 'deletion'): { id: string; n: number; curve: number[] }[] {
  const out: { id: string; n: number; curve: number[] }[] = [];
  for (const id of methods) {
    const sum = new Float64Array(101);
    let n = 0;
    for (const item of items) {
      const m = item.methods[id];
      const c = m?.status === 'ok' ? m.curves?.[kind] : undefined;
      if (!c || c.length === 0) continue;
      resampleCurve(c).forEach((v, i) => (sum[i] += v));
      n++;
    }
    if (n > 0) out.push({ id, n, curve: Array.from(sum, (v) => v / n) });
  }
  return out;
}

function auc(curve: number[]): number {
  const n = curve.length - 1;
  return (curve.reduce((a, b) => a + b, 0) - curve[0] / 2 - curve[n] / 2) / n;
}

function curveChart(title: string, series: { id: string; n: number; curve: number[] }[], colourOf: (id: string) => string): string {
  const W = 460;
  const H = 300;
  const m = { l: 46, r: 12, t: 26, b: 40 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const yMax = Math.max(0.05, ...series.flatMap((s) => s.curve));
  const top = Math.ceil(yMax * 10) / 10;
  const X = (f: number) => m.l + f * pw;
  const Y = (v: number) => m.t + ph - (v / top) * ph;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`];
  parts.push(`<text x="${W / 2}" y="16" text-anchor="middle" class="t">${esc(title)}</text>`);
  for (let i = 0; i <= 5; i++) {
    const v = (top * i) / 5;
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${Y(v)}" y2="${Y(v)}" class="grid"/><text x="${m.l - 5}" y="${Y(v) + 4}" text-anchor="end" class="ax">${n3(v)}</text>`);
  }
  for (let i = 0; i <= 4; i++) parts.push(`<text x="${X(i / 4)}" y="${m.t + ph + 15}" text-anchor="middle" class="ax">${i * 25}%</text>`);
  parts.push(`<text x="${m.l + pw / 2}" y="${H - 6}" text-anchor="middle" class="ax">pixels ${title.startsWith('Insertion') ? 'inserted' : 'deleted'} (most salient first)</text>`);
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" class="frame"/>`);
  for (const s of series) {
    const d = s.curve.map((v, i) => `${i === 0 ? 'M' : 'L'}${X(i / (s.curve.length - 1)).toFixed(1)},${Y(v).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${colourOf(s.id)}" stroke-width="1.8"><title>${esc(s.id)}: mean AUC ${n3(auc(s.curve))} over ${s.n} items</title></path>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

function histogram(row: PairRow): string {
  const W = 250;
  const H = 120;
  const m = { l: 8, r: 8, t: 8, b: 22 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const d = row.differences;
  if (d.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}"><text x="${W / 2}" y="${H / 2}" text-anchor="middle" class="ax">no pairs</text></svg>`;
  const lim = Math.max(1e-9, ...d.map(Math.abs));
  const bins = 41;
  const counts = new Array<number>(bins).fill(0);
  for (const v of d) counts[Math.min(bins - 1, Math.floor(((v + lim) / (2 * lim)) * bins))]++;
  const cMax = Math.max(...counts);
  const better = (centre: number) => (ALTERNATIVE[row.metric] === 'greater' ? centre > 0 : centre < 0);
  const X = (v: number) => m.l + ((v + lim) / (2 * lim)) * pw;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img">`];
  counts.forEach((c, i) => {
    if (c === 0) return;
    const x0 = m.l + (i / bins) * pw;
    const h = (c / cMax) * ph;
    const centre = -lim + ((i + 0.5) / bins) * 2 * lim;
    parts.push(`<rect x="${x0.toFixed(1)}" y="${(m.t + ph - h).toFixed(1)}" width="${(pw / bins - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${Math.abs(centre) < lim / bins ? '#999' : better(centre) ? '#2ca02c' : '#d62728'}"><title>${c} pair(s)</title></rect>`);
  });
  parts.push(`<line x1="${X(0)}" x2="${X(0)}" y1="${m.t}" y2="${m.t + ph}" class="zero"/>`);
  if (row.medianDifference !== undefined) parts.push(`<line x1="${X(row.medianDifference)}" x2="${X(row.medianDifference)}" y1="${m.t}" y2="${m.t + ph}" class="median"><title>median ${row.medianDifference.toFixed(4)}</title></line>`);
  parts.push(`<text x="${m.l}" y="${H - 6}" class="ax">${n3(-lim)}</text><text x="${X(0)}" y="${H - 6}" text-anchor="middle" class="ax">0</text><text x="${W - m.r}" y="${H - 6}" text-anchor="end" class="ax">+${n3(lim)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

function tableHtml(c: Comparison, table: string): string {
  const rows = c.rows.filter((r) => r.table === table);
  const paper = rows.some((r) => r.paperP !== undefined);
  const head = ['compared with', 'candidate', 'metric', 'n', 'mean baseline', 'mean candidate', 'median diff.', 'improved', 'p-value', ...(paper ? ['paper p'] : [])];
  const groupOf = (r: PairRow) => `${r.name}|${r.baseline}|${r.candidate}|${r.subset ?? ''}`;
  const body: string[] = [];
  rows.forEach((r, i) => {
    const first = i === 0 || groupOf(rows[i - 1]) !== groupOf(r);
    const span = rows.filter((x) => groupOf(x) === groupOf(r)).length;
    const repeatNote = !first && r.note !== undefined && rows[i - 1].note === r.note;
    const p = r.note ? (repeatNote ? '—' : `— <small>(${esc(r.note)})</small>`) : esc(formatP(r.pValue));
    const cells = [
      ...(first ? [`<td rowspan="${span}">${esc(r.name)}<br><code>${esc(r.baseline)}</code></td>`, `<td rowspan="${span}"><code>${esc(r.candidate)}</code></td>`] : []),
      `<td>${esc(METRIC_LABELS[r.metric])} ${ALTERNATIVE[r.metric] === 'greater' ? '↑' : '↓'}</td>`,
      ...[
        String(r.n),
        r.meanBaseline?.toFixed(4) ?? '—',
        r.meanCandidate?.toFixed(4) ?? '—',
        r.medianDifference === undefined ? '—' : (r.medianDifference > 0 ? '+' : '') + r.medianDifference.toFixed(4),
        r.shareImproved === undefined ? '—' : `${Math.round(r.shareImproved * 100)}%`,
        `<span class="${r.pValue !== undefined && r.pValue < 0.05 ? 'sig' : ''}">${p}</span>`,
        ...(paper ? [r.paperP === undefined ? '' : esc(formatP(r.paperP))] : []),
      ].map((x) => `<td class="num">${x}</td>`),
    ];
    body.push(`<tr${first ? ' class="first"' : ''}>${cells.join('')}</tr>`);
  });
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

export function toHtml(c: Comparison, items: JoinedItem[], methods: string[], extraMarkdownNote = ''): string {
  const colourOf = (id: string) => COLOURS[Math.max(0, methods.indexOf(id)) % COLOURS.length];
  const ins = meanCurves(items, methods, 'insertion');
  const del = meanCurves(items, methods, 'deletion');
  const legend = methods
    .filter((id) => ins.some((s) => s.id === id) || del.some((s) => s.id === id))
    .map((id) => {
      const i = ins.find((s) => s.id === id);
      const d = del.find((s) => s.id === id);
      return `<li><span class="sw" style="background:${colourOf(id)}"></span><code>${esc(id)}</code> ${esc(prettyMethod(id) !== id ? prettyMethod(id) : '')} — mean insertion AUC ${i ? n3(auc(i.curve)) : '—'}, deletion AUC ${d ? n3(auc(d.curve)) : '—'} (n = ${i?.n ?? d?.n ?? 0})</li>`;
    })
    .join('');
  const tables = [...new Set(c.rows.map((r) => r.table))].map((t) => `<h2>${esc(t)}</h2>${tableHtml(c, t)}`).join('');
  const groups = new Map<string, PairRow[]>();
  for (const r of c.rows) {
    const k = `${r.table}: ${r.name} (${r.baseline}) → ${r.candidate}${r.subset ? `, ${r.subset}` : ''}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const dists = [...groups]
    .map(
      ([k, rows]) =>
        `<h3>${esc(k)}</h3><div class="row">${rows
          .map((r) => `<figure>${histogram(r)}<figcaption>${esc(METRIC_LABELS[r.metric as MetricName])}: candidate − baseline, n = ${r.n}, median ${r.medianDifference === undefined ? '—' : Math.abs(r.medianDifference) < 5e-5 && r.medianDifference !== 0 ? r.medianDifference.toExponential(1) : r.medianDifference.toFixed(4)}, p = ${esc(r.note ? '—' : formatP(r.pValue))}</figcaption></figure>`)
          .join('')}</div>`,
    )
    .join('');
  const failures = c.methods.filter((m) => m.failed > 0).map((m) => `<li><code>${esc(m.id)}</code> failed on ${m.failed} of ${m.ok + m.failed} items: ${esc(m.firstError ?? '')}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(c.title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#222}
table{border-collapse:collapse;margin:8px 0 20px}th,td{border:1px solid #ccc;padding:3px 8px;vertical-align:top}th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.num small{white-space:normal;display:inline-block;max-width:340px;text-align:left}tr.first td{border-top:2px solid #999}.sig{font-weight:600}code{font-size:12px}
.row{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0}figcaption{font-size:12px;max-width:250px}
svg .t{font-size:13px;font-weight:600}svg .ax{font-size:10px;fill:#555}svg .grid{stroke:#eee}svg .frame{fill:none;stroke:#999}
svg .zero{stroke:#333;stroke-dasharray:3 2}svg .median{stroke:#1f77b4;stroke-width:2}
ul.legend{list-style:none;padding:0}.sw{display:inline-block;width:14px;height:4px;margin-right:6px;vertical-align:middle}
</style></head><body>
<h1>${esc(c.title)}</h1>
<p>Model <b>${esc(c.model ?? '?')}</b> · ${c.items.ok} items explained, ${c.items.failed} failed, ${c.items.noItem} images without an item · runs: ${c.runs.map((r) => `<code>${esc(r)}</code>`).join(', ')}</p>
<p>One-sided Wilcoxon signed-rank test (SciPy 1.10 semantics), candidate against baseline; H1: the candidate is better (higher insertion and F, lower deletion). * p &lt; 0.05, ** p &lt; 0.001.</p>
${extraMarkdownNote ? `<p>${esc(extraMarkdownNote)}</p>` : ''}
${tables}
${failures ? `<h2>Recorded failures</h2><ul>${failures}</ul>` : ''}
<h2>Mean insertion and deletion curves</h2>
<div class="row">${curveChart('Insertion: mean confidence', ins, colourOf)}${curveChart('Deletion: mean confidence', del, colourOf)}</div>
<ul class="legend">${legend}</ul>
<h2>Paired differences</h2>
<p>Histograms of candidate − baseline per item; green: better for the candidate, red: worse, grey: about zero; dashed: 0, blue: median.</p>
${dists}
</body></html>
`;
}
