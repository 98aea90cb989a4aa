import { describe, expect, it } from 'vitest';
import { parseStatsLine, ProgressParser } from '../../../../src/engine/media/video/progress.ts';

const BLOCK1 = 'frame=12\nfps=0.00\nstream_0_0_q=28.0\nbitrate=N/A\ntotal_size=48\nout_time_us=400000\nout_time_ms=400000\nout_time=00:00:00.400000\ndup_frames=0\ndrop_frames=0\nspeed=0.79x\nprogress=continue\n';
const BLOCK2 = 'frame=50\nfps=48.5\nout_time_us=N/A\nout_time_ms=2000000\nspeed=N/A\nprogress=end\n';

describe('-progress parser', () => {
  it('reads whole blocks', () => {
    const blocks = new ProgressParser().push(BLOCK1 + BLOCK2);
    expect(blocks.map(({ raw: _raw, ...b }) => b)).toEqual([
      { frame: 12, outTime: 0.4, fps: 0, speed: 0.79, end: false },
      { frame: 50, outTime: 2, fps: 48.5, speed: undefined, end: true },
    ]);
    expect(blocks[0].raw.bitrate).toBe('N/A');
  });
  it('joins blocks split anywhere across chunks, CRLF included', () => {
    const p = new ProgressParser();
    const text = (BLOCK1 + BLOCK2).replace(/\n/g, '\r\n');
    const frames: number[] = [];
    for (let i = 0; i < text.length; i += 7) for (const b of p.push(text.slice(i, i + 7))) frames.push(b.frame);
    expect(frames).toEqual([12, 50]);
  });
  it('a block without progress= is not emitted yet', () => {
    expect(new ProgressParser().push('frame=3\nfps=1\n')).toEqual([]);
  });
});

describe('stderr stats line', () => {
  it('reads frame, fps, time and speed', () => {
    expect(parseStatsLine('frame=  123 fps= 45 q=28.0 size=     256kB time=00:01:04.92 bitrate= 323.0kbits/s speed=1.8x')).toEqual({
      frame: 123, fps: 45, time: 64.92, speed: 1.8,
    });
    expect(parseStatsLine('frame=    1 fps=0.0 q=0.0 size=N/A time=N/A bitrate=N/A speed=N/A')).toEqual({ frame: 1, fps: 0, time: undefined, speed: undefined });
    expect(parseStatsLine('Input #0, mov,mp4')).toBeUndefined();
  });
});
