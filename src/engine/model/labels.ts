import { usageError } from '../errors.ts';
import { topK } from './classifier.ts';

/** "malamute, malemute, Alaskan malamute" → "malamute": the first synonym, for display. */
export function shortLabel(name: string): string {
  return name.split(',')[0].trim();
}

/**
 * `--label`: 'top1' (default), a class index, or a name (case-insensitive; a whole label line or
 * any of its comma-separated synonyms).
 */
export function chooseLabel(choice: string | number | undefined, labels: readonly string[], probabilities: ArrayLike<number>): number {
  if (choice === undefined || choice === 'top1') return topK(probabilities, 1)[0];
  if (typeof choice === 'number' || /^-?\d+$/.test(choice)) {
    const index = Number(choice);
    if (!(index >= 0 && index < labels.length)) throw usageError(`label index ${index} is out of range: the model has ${labels.length} classes (0–${labels.length - 1})`);
    return index;
  }
  const wanted = choice.trim().toLowerCase();
  const matches = labels
    .map((name, index) => ({ index, names: [name, ...name.split(',')].map((s) => s.trim().toLowerCase()) }))
    .filter((l) => l.names.includes(wanted));
  if (matches.length === 0) throw usageError(`unknown label "${choice}": no class of this model has that name`);
  if (matches.length > 1) throw usageError(`label "${choice}" is ambiguous: classes ${matches.map((m) => m.index).join(', ')}; give an index`);
  return matches[0].index;
}
