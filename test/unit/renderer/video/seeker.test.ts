/** One seek at a time (src/renderer/src/lib/video/seeker.ts): the next only after 'seeked', never a queue. */
import { describe, expect, it } from 'vitest';
import { Seeker } from '../../../../src/renderer/src/lib/video/seeker.ts';

function make(n = 100) {
  const sought: number[] = [];
  const seeker = new Seeker({ seek: (k) => sought.push(k) }, () => n);
  return { seeker, sought };
}

describe('Seeker', () => {
  it('starts at once when idle; asks made during a seek keep only the latest, started on seeked', () => {
    const { seeker, sought } = make();
    seeker.go(5);
    seeker.go(7);
    seeker.go(9);
    expect(sought).toEqual([5]);
    seeker.seeked();
    expect(sought).toEqual([5, 9]);
    seeker.seeked();
    expect(sought).toEqual([5, 9]);
    expect(seeker.busy).toBe(false);
  });

  it('a held key (repeat) is dropped while a seek is in flight; separate presses add up', () => {
    const { seeker, sought } = make();
    seeker.step(1, 10); // → from frame 10
    expect(seeker.step(1, 10, true)).toBeUndefined();
    expect(seeker.step(1, 10, true)).toBeUndefined();
    seeker.seeked();
    expect(sought).toEqual([11]);
    seeker.step(1, 11, true);
    seeker.step(1, 11); // a new press while 12 is in flight heads for 13
    seeker.step(1, 11); // and another for 14
    seeker.seeked();
    expect(sought).toEqual([11, 12, 14]);
  });

  it('clamps to the clip and does not re-seek the frame just reached', () => {
    const { seeker, sought } = make(10);
    seeker.go(50);
    seeker.go(9);
    seeker.seeked();
    expect(sought).toEqual([9]);
    seeker.step(-20, 9);
    expect(sought).toEqual([9, 0]);
    seeker.reset();
    expect(seeker.heading(3)).toBe(3);
  });
});
