import { describe, expect, it } from 'vitest';
import { appAction, controlOwnsKey, focusKind, type KeyPress } from '../../../src/renderer/src/lib/shortcuts.ts';

const key = (k: string, mods: Partial<KeyPress> = {}): KeyPress => ({ key: k, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('focusKind', () => {
  it('tells typing from choosing', () => {
    expect(focusKind('INPUT', 'text', false)).toBe('text');
    expect(focusKind('input', 'number', false)).toBe('text');
    expect(focusKind('INPUT', undefined, false)).toBe('text');
    expect(focusKind('TEXTAREA', undefined, false)).toBe('text');
    expect(focusKind('DIV', undefined, true)).toBe('text');
    expect(focusKind('SELECT', undefined, false)).toBe('select');
    expect(focusKind('INPUT', 'checkbox', false)).toBe('toggle');
    expect(focusKind('INPUT', 'range', false)).toBe('slider');
    expect(focusKind('BUTTON', 'button', false)).toBe('button');
    expect(focusKind('BODY', undefined, false)).toBe('other');
  });
});

describe('appAction', () => {
  it('switches tabs with 1/2/3 from any tab, also with a dropdown, slider or checkbox focused', () => {
    for (const focus of ['other', 'select', 'slider', 'toggle', 'button'] as const) {
      expect(appAction(key('1'), focus, 'batch', false)).toEqual({ type: 'tab', tab: 'explain' });
      expect(appAction(key('2'), focus, 'explain', false)).toEqual({ type: 'tab', tab: 'batch' });
      expect(appAction(key('3'), focus, 'explain', false)).toEqual({ type: 'tab', tab: 'video' });
    }
  });

  it('is silent while typing in a field, except Esc', () => {
    for (const k of ['1', 'r', 'o', 'm', '[', 'e', '?', 'Delete', 'Backspace']) expect(appAction(key(k), 'text', 'explain', false)).toBeUndefined();
    expect(appAction(key('Escape'), 'text', 'explain', false)).toEqual({ type: 'escape' });
  });

  it('leaves the focused control its own keys', () => {
    expect(appAction(key('ArrowDown'), 'select', 'explain', false)).toBeUndefined();
    expect(appAction(key('Enter'), 'select', 'explain', false)).toBeUndefined();
    expect(appAction(key('ArrowRight'), 'slider', 'video', false)).toBeUndefined();
    expect(appAction(key(' '), 'toggle', 'video', false)).toBeUndefined();
    expect(controlOwnsKey('select', 'm')).toBe(false);
    // Unfocused, the video view's table has the arrows.
    expect(appAction(key('ArrowRight'), 'other', 'video', false)).toEqual({ type: 'video' });
  });

  it('maps the explain keys, case-blind for letters, and o (letter) is not 0 (zero)', () => {
    const on = (k: string, focus: 'other' | 'select' = 'other') => appAction(key(k), focus, 'explain', false);
    expect(on('o')).toEqual({ type: 'explain', action: 'open' });
    expect(on('O')).toEqual({ type: 'explain', action: 'open' });
    expect(on('0')).toEqual({ type: 'explain', action: 'reset-zoom' });
    expect(on('r', 'select')).toEqual({ type: 'explain', action: 'run' });
    expect(on('m', 'select')).toEqual({ type: 'explain', action: 'toggle-maps' });
    expect(on(']')).toEqual({ type: 'explain', action: 'next-class' });
    expect(on('[')).toEqual({ type: 'explain', action: 'previous-class' });
    expect(on('e')).toEqual({ type: 'explain', action: 'export' });
    expect(on('b')).toEqual({ type: 'explain', action: 'draw-box' });
    expect(on('Delete')).toEqual({ type: 'explain', action: 'remove-box' });
    expect(on('Backspace')).toEqual({ type: 'explain', action: 'remove-box' });
    expect(on('x')).toBeUndefined();
    expect(appAction(key('r', { ctrlKey: true }), 'other', 'explain', false)).toBeUndefined();
    expect(appAction(key('r'), 'other', 'batch', false)).toBeUndefined();
  });

  it('with a sheet open only ? and Esc act', () => {
    expect(appAction(key('?'), 'other', 'explain', true)).toEqual({ type: 'sheet' });
    expect(appAction(key('Escape'), 'other', 'explain', true)).toEqual({ type: 'escape' });
    expect(appAction(key('1'), 'other', 'batch', true)).toBeUndefined();
    expect(appAction(key('r'), 'other', 'explain', true)).toBeUndefined();
  });
});
