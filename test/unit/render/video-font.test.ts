/** The embedded bitmap font: sizes and ink counts of known strings (counted by hand from the glyphs' shapes). */
import { describe, expect, it } from 'vitest';
import { fontText, renderTextMask, textHeight, textWidth } from '../../../src/engine/render/bitmap-font.ts';

const ink = (s: string, scale = 1) => renderTextMask(s, scale).mask.reduce((a, b) => a + b, 0);

describe('bitmap font', () => {
  it('widths and heights: 5 columns per glyph, 1 between, none trailing; scaled by whole pixels', () => {
    expect(textWidth('HI')).toBe(11);
    expect(textWidth('HI', 3)).toBe(33);
    expect(textWidth('')).toBe(0);
    expect(textHeight(2)).toBe(14);
    const m = renderTextMask('HI', 2);
    expect([m.width, m.height, m.mask.length]).toEqual([22, 14, 308]);
  });

  it('ink of known strings: H = two 7-px stems + a 3-px bar, I = two 5-px bars + a 5-px stem, "-" = 5, " " = 0, "." = 4', () => {
    expect(ink('H')).toBe(17);
    expect(ink('I')).toBe(15);
    expect(ink('HI')).toBe(32);
    expect(ink('HI', 2)).toBe(128);
    expect(ink('-')).toBe(5);
    expect(ink(' ')).toBe(0);
    expect(ink('.')).toBe(4);
    expect(ink('|||')).toBe(21);
  });

  it('glyph rows land where they should: "-" is the 4th row, full width', () => {
    const { mask, width } = renderTextMask('-');
    expect(Array.from(mask.subarray(3 * width, 4 * width))).toEqual([1, 1, 1, 1, 1]);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('every printable ASCII character has a glyph with ink (but space); other text is folded', () => {
    for (let c = 33; c <= 126; c++) expect(ink(String.fromCharCode(c)), String.fromCharCode(c)).toBeGreaterThan(0);
    expect(fontText('crêpe, Ångström')).toBe('crepe, Angstrom');
    expect(fontText('犬 dog')).toBe('? dog');
    expect(ink('犬')).toBe(ink('?'));
  });
});
