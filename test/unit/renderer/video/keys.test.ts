/** The video view's keys (src/renderer/src/lib/video/keys.ts). */
import { describe, expect, it } from 'vitest';
import { nextSpeed, SPEEDS, VIDEO_SHORTCUTS, videoAction } from '../../../../src/renderer/src/lib/video/keys.ts';

const key = (k: string, mods: Partial<Record<'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey', boolean>> = {}) => videoAction({ key: k, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('video keys', () => {
  it('map the timeline conventions', () => {
    expect(key(' ')).toEqual({ type: 'play-pause' });
    expect([key('ArrowRight'), key('.'), key('ArrowLeft'), key(',')]).toEqual([1, 1, -1, -1].map((delta) => ({ type: 'step', delta })));
    expect([key('ArrowRight', { shiftKey: true }), key('ArrowLeft', { shiftKey: true })]).toEqual([{ type: 'step', delta: 10 }, { type: 'step', delta: -10 }]);
    expect([key('Home'), key('End'), key('g'), key('0')]).toEqual([{ type: 'first' }, { type: 'last' }, { type: 'frame-box' }, { type: 'reset-zoom' }]);
    expect([key('['), key(']')]).toEqual([{ type: 'speed', delta: -1 }, { type: 'speed', delta: 1 }]);
    expect([key('ArrowRight', { ctrlKey: true }), key('x'), key('r')]).toEqual([undefined, undefined, undefined]);
  });
  it('speeds run 0.25–2× and hold at the ends', () => {
    expect([SPEEDS[0], SPEEDS.at(-1)]).toEqual([0.25, 2]);
    expect([nextSpeed(1, 1), nextSpeed(1, -1), nextSpeed(2, 1), nextSpeed(0.25, -1), nextSpeed(0.3, 0)]).toEqual([1.25, 0.75, 2, 0.25, 0.5]);
  });
  it('every key of the table is on the sheet', () => {
    const sheet = VIDEO_SHORTCUTS.map(([k]) => k).join(' ');
    for (const k of ['Space', '→', '.', '←', ',', 'Shift+→', 'Home', 'End', 'G', '[', ']', '0']) expect(sheet).toContain(k);
  });
});
