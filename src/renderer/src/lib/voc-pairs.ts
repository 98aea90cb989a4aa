/** Pure name logic, kept apart from open-files.ts (DOM code) so Node tests can load it. */
const stemOf = (p: string) => (p.split('/').pop() ?? p).replace(/\.[^.]+$/, '').toLowerCase();
const dirOf = (p: string) => p.split('/').slice(0, -1).join('/');
/** The `Annotations/` folder beside a photo's folder (a VOC root's JPEGImages/ and Annotations/). */
const annotationsBeside = (p: string) => [...p.split('/').slice(0, -2), 'Annotations'].join('/');

/**
 * Each photo's VOC annotation among the chosen XML files, by the photo's name without extension, as
 * `borex batch --boxes voc` finds them: an XML in the `Annotations/` folder beside the photo's folder
 * first, then one beside the photo. Paths are relative to the chosen folder; a photo without one gets none.
 */
export function pairAnnotations(photos: readonly string[], xmls: readonly string[]): Map<string, string> {
  const byStem = new Map<string, string[]>();
  for (const x of xmls) byStem.set(stemOf(x), [...(byStem.get(stemOf(x)) ?? []), x]);
  const pairs = new Map<string, string>();
  for (const p of photos) {
    const found = byStem.get(stemOf(p)) ?? [];
    const best = found.find((x) => dirOf(x) === annotationsBeside(p)) ?? found.find((x) => dirOf(x) === dirOf(p));
    if (best) pairs.set(p, best);
  }
  return pairs;
}
