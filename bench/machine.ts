import os from 'node:os';

/** One line naming the machine and date, for every table in BENCHMARKS.md. */
export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${os.cpus().length} × ${cpu} · ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB · Node ${process.versions.node} · ${os.platform()} ${os.release()}`;
}

/** Replaces the section between `<!-- name -->` and `<!-- /name -->` in BENCHMARKS.md (or appends it). */
export async function writeSection(name: string, body: string): Promise<void> {
  const fs = await import('node:fs');
  const file = new URL('../BENCHMARKS.md', import.meta.url);
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\nWritten by real runs of `npm run bench` (and the scripts named in each section) on the machine named there.\n';
  const open = `<!-- ${name} -->`;
  const close = `<!-- /${name} -->`;
  const block = `${open}\n${body.trim()}\n${close}`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  text = start >= 0 && end > start ? text.slice(0, start) + block + text.slice(end + close.length) : `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(file, text);
}
