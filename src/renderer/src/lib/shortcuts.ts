/**
 * The app's keys, one table: what a key press does given the focused control and the tab in view
 * (App.svelte acts on it; the `?` sheet lists the same rows). DOM-free (the root type-check reads
 * the unit test's imports): the caller describes the focused element as a FocusKind.
 *
 * A shortcut works wherever focus is, except while the user types (a text or number field), and
 * except for the keys the focused control itself uses (a dropdown's arrows, a slider's arrows, a
 * checkbox's Space): after choosing a colour map from its dropdown, `1` still switches the tab.
 */
import type { KeyPress } from './video/keys.ts';

export type { KeyPress } from './video/keys.ts';

export type Tab = 'explain' | 'batch' | 'video';
export const TABS: readonly Tab[] = ['explain', 'batch', 'video'];

/** What has focus, as far as keys go. */
export type FocusKind = 'text' | 'select' | 'toggle' | 'slider' | 'button' | 'other';

/** The kind of a focused element from its tag, its type attribute (inputs) and whether it is contenteditable. */
export function focusKind(tagName: string, type: string | undefined, editable: boolean): FocusKind {
  const tag = tagName.toUpperCase();
  if (editable || tag === 'TEXTAREA') return 'text';
  if (tag === 'SELECT') return 'select';
  if (tag === 'BUTTON' || tag === 'SUMMARY') return 'button';
  if (tag !== 'INPUT') return 'other';
  const t = (type ?? 'text').toLowerCase();
  if (t === 'checkbox' || t === 'radio') return 'toggle';
  if (t === 'range') return 'slider';
  if (t === 'button' || t === 'submit' || t === 'reset' || t === 'file' || t === 'color' || t === 'image') return 'button';
  return 'text'; // text, number, search, email…: the user is typing
}

const NAVIGATION = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown'];

/** True when the focused control uses the key itself (it is not a shortcut there). */
export function controlOwnsKey(kind: FocusKind, key: string): boolean {
  if (kind === 'text') return key !== 'Escape'; // Esc still cancels / closes while typing
  if (kind === 'select') return NAVIGATION.includes(key) || key === ' ' || key === 'Enter';
  if (kind === 'slider') return NAVIGATION.includes(key);
  if (kind === 'toggle') return key === ' ';
  if (kind === 'button') return key === 'Enter';
  return false;
}

export type ExplainAction = 'open' | 'run' | 'reset-zoom' | 'draw-box' | 'toggle-maps' | 'next-class' | 'previous-class' | 'export' | 'remove-box';

export type AppAction = { type: 'sheet' } | { type: 'escape' } | { type: 'tab'; tab: Tab } | { type: 'explain'; action: ExplainAction } | { type: 'video' };

const EXPLAIN_KEYS: Record<string, ExplainAction> = {
  o: 'open',
  r: 'run',
  '0': 'reset-zoom',
  b: 'draw-box',
  m: 'toggle-maps',
  ']': 'next-class',
  '[': 'previous-class',
  e: 'export',
  Delete: 'remove-box',
  Backspace: 'remove-box',
};

/**
 * What a key press does: undefined leaves it to the browser and the focused control. `sheetOpen`:
 * the shortcut sheet (or another dialog) is up; only `?` and Esc act then. On the video tab every
 * key but the global ones goes to the video view's own table (lib/video/keys.ts): `{ type: 'video' }`.
 */
export function appAction(e: KeyPress, focus: FocusKind, tab: Tab, sheetOpen: boolean): AppAction | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  if (controlOwnsKey(focus, e.key)) return undefined;
  if (e.key === '?') return { type: 'sheet' };
  if (e.key === 'Escape') return { type: 'escape' };
  if (sheetOpen) return undefined;
  const n = ['1', '2', '3'].indexOf(e.key);
  if (n >= 0) return { type: 'tab', tab: TABS[n]! };
  if (tab === 'video') return { type: 'video' };
  if (tab !== 'explain') return undefined;
  const action = EXPLAIN_KEYS[e.key.length === 1 ? e.key.toLowerCase() : e.key];
  return action ? { type: 'explain', action } : undefined;
}

/** The `?` sheet's rows: key, what it does. */
export const GLOBAL_SHORTCUTS: readonly [string, string][] = [
  ['?', 'show or hide this sheet'],
  ['1 / 2 / 3', 'Explain / Batch / Video tab'],
  ['Esc', 'close a dialog or this sheet; else cancel the running job'],
  ['Tab', 'next control (keys work from a dropdown too, not while typing)'],
];

export const EXPLAIN_SHORTCUTS: readonly [string, string][] = [
  ['o (letter)', 'open a photo'],
  ['R', 'explain (run)'],
  ['[ / ]', 'previous / next of the top classes'],
  ['M', 'show / hide the maps over the photo'],
  ['E', 'export the refined map (overlay.png)'],
  ['B', 'draw a box on the photo'],
  ['Delete', 'remove the selected box (the box list)'],
  ['0 (zero)', 'reset zoom and pan'],
  ['wheel / drag', 'zoom / pan all three panels together'],
  ['double-click', 'reset zoom on a panel'],
  ['↑ / ↓ in the top classes', 'choose another class (the list is one Tab stop)'],
  ['← / → on the tab bar', 'another tab (the bar is one Tab stop)'],
];
