// The table of tools/borex-findings/demo-seeds.sh: for every variant found in OUT (batch runs
// run-NAME, composition re-scores compose-NAME, explain loops explain-NAME/SCENE@sSEED), each demo
// scene's deletion per seed, prior → BOREx (gap = BOREx − prior; the issue asks gap ≤ 0.05 on every
// scene and seed), then one summary row per variant: the worst gap, how many (scene, seed) pairs
// exceed 0.05, and the mean insertion / deletion of prior and BOREx over the 18 pairs.
//   node tools/borex-findings/demo-seeds-table.mjs OUT
import fs from 'node:fs';
import path from 'node:path';

const out = process.argv[2];
if (!out) throw new Error('usage: demo-seeds-table.mjs OUT');
const SEEDS = [0, 1, 2];
const scene = (file) => path.basename(file).replace(/\.png$/, '').replace(/^shapes-0\d-/, '');
const readJsonl = (f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** variant → scene → seed → { prior: metrics, borex: metrics } */
const variants = new Map();
const put = (variant, sc, seed, prior, borex) => {
  if (!prior || !borex) return;
  if (!variants.has(variant)) variants.set(variant, new Map());
  const v = variants.get(variant);
  if (!v.has(sc)) v.set(sc, new Map());
  v.get(sc).set(seed, { prior, borex });
};
const names = fs.readdirSync(out).sort();
const basePrior = new Map(); // scene@seed → rise metrics of run-base
const blurPrior = new Map(); // … of run-blur
for (const dir of names.filter((n) => /^run-/.test(n) && fs.existsSync(path.join(out, n, 'items.jsonl')))) {
  for (const item of readJsonl(path.join(out, dir, 'items.jsonl'))) {
    const sc = scene(item.image);
    for (const [id, rec] of Object.entries(item.methods ?? {})) {
      const m = /^(.*)@s(\d+)$/.exec(id);
      if (!m || m[1] === 'rise' || rec.status !== 'ok') continue;
      const prior = item.methods[`rise@s${m[2]}`]?.metrics;
      if (dir === 'run-base') basePrior.set(`${sc}@${m[2]}`, prior);
      if (dir === 'run-blur') blurPrior.set(`${sc}@${m[2]}`, prior);
      put(`${dir.slice(4)}: ${m[1]}`, sc, Number(m[2]), prior, rec.metrics);
    }
  }
}
for (const dir of names.filter((n) => /^compose-/.test(n) && fs.existsSync(path.join(out, n, 'items.jsonl')))) {
  const src = path.join(out, `run-${dir.slice(8)}`, 'items.jsonl');
  const priors = new Map(readJsonl(src).map((it) => [it.key, it]));
  for (const item of readJsonl(path.join(out, dir, 'items.jsonl'))) {
    const sc = scene(item.image ?? item.key);
    for (const [id, rec] of Object.entries(item.methods ?? {})) {
      const m = /^(.*)@s(\d+)$/.exec(id);
      if (!m || rec.status !== 'ok') continue;
      put(`${dir.slice(8)}: ${m[1]}`, sc, Number(m[2]), priors.get(item.key)?.methods?.[`rise@s${m[2]}`]?.metrics, rec.metrics);
    }
  }
}
for (const dir of names.filter((n) => /^explain-/.test(n) && fs.statSync(path.join(out, n)).isDirectory())) {
  for (const sub of fs.readdirSync(path.join(out, dir))) {
    const f = path.join(out, dir, sub, 'result.json');
    const m = /^(.*)@s(\d+)$/.exec(sub);
    if (!m || !fs.existsSync(f)) continue;
    const r = JSON.parse(fs.readFileSync(f, 'utf8'));
    put(`${dir.slice(8)} (explain)`, scene(m[1]), Number(m[2]), r.prior?.metrics, r.metrics);
  }
}

const f3 = (x) => (x === undefined ? '  –  ' : x.toFixed(3));
const sign = (x) => (x >= 0 ? '+' : '') + x.toFixed(3);
const summary = [];
for (const [variant, v] of variants) {
  console.log(`\n### ${variant}\n`);
  console.log('| scene | ' + SEEDS.map((s) => `seed ${s}: prior → BOREx deletion (gap)`).join(' | ') + ' |');
  console.log('|---|' + SEEDS.map(() => '---').join('|') + '|');
  let worst = -Infinity, worstAt = '', over = 0, n = 0, priorSame = true, insDrop = Infinity, insAt = '';
  const sums = { pi: 0, bi: 0, pd: 0, bd: 0 };
  for (const [sc, bySeed] of [...v].sort()) {
    const cells = SEEDS.map((s) => {
      const r = bySeed.get(s);
      if (!r) return '–';
      const gap = r.borex.deletion - r.prior.deletion;
      if (gap > worst) { worst = gap; worstAt = `${sc} s${s}`; }
      if (gap > 0.05) over++;
      const ig = r.borex.insertion - r.prior.insertion;
      if (ig < insDrop) { insDrop = ig; insAt = `${sc} s${s}`; }
      n++;
      sums.pi += r.prior.insertion; sums.bi += r.borex.insertion; sums.pd += r.prior.deletion; sums.bd += r.borex.deletion;
      const bp = basePrior.get(`${sc}@${s}`);
      if (bp && Math.abs(bp.deletion - r.prior.deletion) > 1e-9) priorSame = false;
      return `${f3(r.prior.deletion)} → ${f3(r.borex.deletion)} (${sign(gap)}${gap > 0.05 ? ' ✗' : ''})`;
    });
    console.log(`| ${sc} | ${cells.join(' | ')} |`);
  }
  summary.push({ variant, n, worst, worstAt, over, insDrop, insAt, ...Object.fromEntries(Object.entries(sums).map(([k, x]) => [k, x / n])), priorSame });
}
console.log('\n### Summary (mean over the scene × seed pairs present)\n');
console.log('| variant | pairs | worst deletion gap (where) | pairs with gap > 0.05 | worst insertion change (where) | insertion prior → BOREx | deletion prior → BOREx |');
console.log('|---|---|---|---|---|---|---|');
for (const s of summary) {
  console.log(`| ${s.variant}${s.priorSame ? '' : ' (another baseline: its prior differs from run-base)'} | ${s.n} | ${sign(s.worst)} (${s.worstAt}) | ${s.over} | ${sign(s.insDrop)} (${s.insAt}) | ${f3(s.pi)} → ${f3(s.bi)} | ${f3(s.pd)} → ${f3(s.bd)} |`);
}

// Oracle maps (part 'oracle'): the exact object mask first, scored as a --prior FILE.
const oracle = (kind, sc) => {
  const dir = path.join(out, `oracle-${kind}`);
  if (!fs.existsSync(dir)) return undefined;
  const sub = fs.readdirSync(dir).find((d) => scene(d) === sc);
  const f = sub && path.join(dir, sub, 'result.json');
  return f && fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')).prior?.metrics : undefined;
};
for (const [suffix, priors, variant, title] of [['', basePrior, 'base: borex:rise', 'the demo\'s mean baseline'], ['-blur', blurPrior, 'blur: borex:rise', '--baseline blur']]) {
  if (!fs.existsSync(path.join(out, `oracle-compact${suffix}`))) continue;
  console.log(`\n### Oracle maps, ${title}: the exact object mask deleted first (deletion; insertion in brackets)\n`);
  console.log('| scene | RISE prior, seeds 0 / 1 / 2 | BOREx, seeds 0 / 1 / 2 | object, then a compact blob around it | object, then random order |');
  console.log('|---|---|---|---|---|');
  const bx = variants.get(variant);
  for (const sc of [...new Set([...priors.keys()].map((k) => k.split('@')[0]))].sort()) {
    const pri = SEEDS.map((s) => f3(priors.get(`${sc}@${s}`)?.deletion)).join(' / ');
    const bor = SEEDS.map((s) => f3(bx?.get(sc)?.get(s)?.borex.deletion)).join(' / ');
    const o = (k) => { const m = oracle(k + suffix, sc); return m ? `${f3(m.deletion)} (${f3(m.insertion)})` : '–'; };
    console.log(`| ${sc} | ${pri} | ${bor} | ${o('compact')} | ${o('random')} |`);
  }
}
