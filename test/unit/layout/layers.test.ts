/**
 * The layout of src/ as docs/architecture.md draws it: no import circle between files, none
 * between the engine's folders, and each layer importing only the layers below it.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCircles, importsOf, sourceFiles, SRC } from './import-graph.ts';

const rel = (f: string) => path.relative(SRC, f);
const files = sourceFiles();
const edges = files.flatMap((f) => importsOf(f).map((to) => ({ from: rel(f), to: to.startsWith('/') ? rel(to) : to })));
const top = (p: string) => p.split(path.sep)[0];
/** A relative import (resolved against src/), not a package or node: built-in. */
const inSrc = (to: string) => !to.startsWith('node:') && !to.startsWith('..') && to.includes('/') && /\.(ts|mjs|svelte)$/.test(to);

/** What each top-level folder of src/ may import from src/ (besides itself). */
const ALLOWED: Record<string, string[]> = {
  shared: [],
  engine: ['shared'],
  app: ['engine', 'shared'],
  cli: ['app', 'engine', 'shared'],
  main: ['app', 'engine', 'shared'],
  preload: ['shared'],
  renderer: ['shared'],
};

describe('src/ layout', () => {
  it('has no import circle between files', () => {
    expect(importCircles(files)).toEqual([]);
  });

  it('has no circle between the folders of src/engine', () => {
    const folder = (p: string) => (p.startsWith('engine/') ? p.split(path.sep).slice(0, 2).join('/').replace(/\.(ts|mjs)$/, '') : undefined);
    const graph = new Map<string, Set<string>>();
    for (const e of edges) {
      const a = folder(e.from);
      const b = folder(e.to);
      if (a && b && a !== b) graph.set(a, (graph.get(a) ?? new Set()).add(b));
    }
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      [...(graph.get(from) ?? [])].some((n) => n === to || (!seen.has(n) && (seen.add(n), reaches(n, to, seen))));
    const circles = [...graph.keys()].filter((f) => reaches(f, f)).sort();
    expect(circles).toEqual([]);
  });

  it('imports only downwards: shared ← engine ← app ← cli/main; the renderer and preload see shared only', () => {
    const wrong = edges
      .filter((e) => inSrc(e.to))
      .filter((e) => top(e.from) !== top(e.to) && !(ALLOWED[top(e.from)] ?? []).includes(top(e.to)))
      .map((e) => `${e.from} → ${e.to}`);
    expect(wrong).toEqual([]);
  });

  it('keeps the engine and the vocabulary free of Electron, and the vocabulary free of Node', () => {
    const electron = edges.filter((e) => ['engine', 'shared', 'app'].includes(top(e.from)) && e.to === 'electron').map((e) => e.from);
    expect(electron).toEqual([]);
    const nodeInShared = edges.filter((e) => top(e.from) === 'shared' && !(inSrc(e.to) && top(e.to) === 'shared')).map((e) => `${e.from} → ${e.to}`);
    expect(nodeInShared).toEqual([]);
  });
});
