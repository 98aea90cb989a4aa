/**
 * The import graph of src/: every relative `import … from './x.ts'` (type-only imports too: a
 * circle of types is still a circle a reader has to untangle) and `export … from`.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SRC = path.resolve(import.meta.dirname, '../../../src');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function sourceFiles(dir = SRC): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|svelte|mjs)$/.test(d.name) && !d.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

/** Every specifier a file imports (relative ones resolved to absolute paths, packages as written). */
export function importsOf(file: string): string[] {
  let text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.svelte')) text = [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    out.push(spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : spec);
  }
  return out;
}

/** Strongly connected components of more than one file (or a file importing itself): the import circles. */
export function importCircles(files = sourceFiles()): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((s) => s.startsWith('/'))]));
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(path.relative(SRC, w));
      } while (w !== v);
      if (c.length > 1 || graph.get(v)!.includes(v)) circles.push(c.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  return circles;
}
