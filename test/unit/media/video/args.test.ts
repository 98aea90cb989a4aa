import { describe, expect, it } from 'vitest';
import {
  decodeArgs,
  encodeArgs,
  encodeFilter,
  encodeVfrArgs,
  parseRational,
  parseVersion,
  passthroughArgs,
  probeFramesArgs,
  remuxArgs,
  selectExpression,
  vfrSetpts,
  uprightFilters,
  type EncodeArgs,
} from '../../../../src/engine/media/video/args.ts';

const V41 = { banner: 'ffmpeg version N-47683', avcodec: [58, 35] as [number, number] };
const V51 = { banner: 'ffmpeg version 5.1.6', avcodec: [59, 37] as [number, number] };

describe('version and sync flags', () => {
  it('reads libavcodec from a static build banner', () => {
    const text = 'ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/\nbuilt with gcc 6.3.0\nlibavutil      56. 24.101 / 56. 24.101\nlibavcodec     58. 42.100 / 58. 42.100\n';
    expect(parseVersion(text)).toEqual({ banner: 'ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/', avcodec: [58, 42] });
    expect(() => parseVersion('nonsense')).toThrow(/libavcodec/);
  });
  it('uses -vsync before 5.1 and -fps_mode from 5.1', () => {
    expect(passthroughArgs(V41)).toEqual(['-vsync', 'passthrough']);
    expect(passthroughArgs({ banner: '', avcodec: [59, 18] })).toEqual(['-vsync', 'passthrough']);
    expect(passthroughArgs(V51)).toEqual(['-fps_mode', 'passthrough']);
    expect(passthroughArgs({ banner: '', avcodec: [60, 3] })).toEqual(['-fps_mode', 'passthrough']);
  });
});

describe('rationals', () => {
  it('parses the forms ffprobe and users write', () => {
    expect(parseRational('30000/1001')).toEqual({ num: 30000, den: 1001 });
    expect(parseRational('64:51')).toEqual({ num: 64, den: 51 });
    expect(parseRational('25')).toEqual({ num: 25, den: 1 });
    expect(parseRational(25)).toEqual({ num: 25, den: 1 });
    expect(parseRational(12.5)).toEqual({ num: 12_500_000, den: 1_000_000 });
    expect(parseRational('0/0')).toBeUndefined();
    expect(parseRational('N/A')).toBeUndefined();
    expect(parseRational(-1)).toBeUndefined();
    expect(parseRational(undefined)).toBeUndefined();
  });
});

describe('probe arguments', () => {
  it('lists decoded frames of one stream', () => {
    expect(probeFramesArgs('/v/a b.mp4', 2)).toEqual([
      '-v', 'error', '-select_streams', '2',
      '-show_entries', 'frame=best_effort_timestamp_time,pkt_duration_time,duration_time',
      '-print_format', 'compact=nokey=0:print_section=0', '/v/a b.mp4',
    ]);
  });
});

describe('select expression', () => {
  it('joins runs and single frames', () => {
    expect(selectExpression([0])).toBe('eq(n,0)');
    expect(selectExpression([0, 1, 2, 5, 7, 8])).toBe('between(n,0,2)+eq(n,5)+between(n,7,8)');
    expect(selectExpression([])).toBe('');
  });
});

describe('decode arguments', () => {
  it('selects, scales, stops after the last frame and passes timestamps through', () => {
    expect(decodeArgs({ file: 'in.mp4', stream: 0, indices: [3, 4, 9], size: { width: 224, height: 224 }, version: V41 })).toEqual([
      '-nostdin', '-v', 'error', '-noautorotate', '-i', 'in.mp4', '-map', '0:0', '-an', '-sn', '-dn',
      '-vf', "select='between(n,3,4)+eq(n,9)',scale=224:224", '-frames:v', '3',
      '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
    ]);
  });
  it('decodes every frame at stored size with no filter', () => {
    expect(decodeArgs({ file: 'in.avi', stream: 1, version: V51 })).toEqual([
      '-nostdin', '-v', 'error', '-noautorotate', '-i', 'in.avi', '-map', '0:1', '-an', '-sn', '-dn',
      '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
    ]);
  });
  it('turns a rotated video upright after the selection and before the scale', () => {
    expect([0, 90, 180, 270].map((r) => uprightFilters(r))).toEqual([[], ['transpose=clock'], ['hflip', 'vflip'], ['transpose=cclock']]);
    expect(() => uprightFilters(45)).toThrow('rotation must be 0, 90, 180 or 270 degrees, got 45');
    const args = decodeArgs({ file: 'phone.mp4', stream: 0, indices: [2], size: { width: 112, height: 224 }, rotation: 90, version: V41 });
    expect(args[args.indexOf('-vf') + 1]).toBe("select='eq(n,2)',transpose=clock,scale=112:224");
    expect(args).toContain('-noautorotate');
  });
});

const enc: EncodeArgs = {
  width: 340, height: 256, fps: { num: 28, den: 1 }, sar: { num: 64, den: 51 }, even: 'pad', preset: 'veryfast', crf: 18, version: V41,
};
const TAGS = ['-colorspace', 'smpte170m', '-color_primaries', 'smpte170m', '-color_trc', 'smpte170m', '-color_range', 'tv'];

describe('encode arguments', () => {
  it('filter: even size kept, SAR set, BT.601 matrix, yuv420p', () => {
    expect(encodeFilter(enc)).toBe('setsar=r=64/51:max=65535,scale=out_color_matrix=bt601:out_range=tv,format=yuv420p');
  });
  it('filter: odd sizes are padded to even with black at the right and bottom', () => {
    expect(encodeFilter({ width: 341, height: 255, sar: { num: 1, den: 1 } })).toBe(
      'pad=342:256:0:0:black,setsar=r=1/1:max=65535,scale=out_color_matrix=bt601:out_range=tv,format=yuv420p',
    );
  });
  it('filter: timestamps through settb+setpts first', () => {
    expect(encodeFilter({ width: 2, height: 2, sar: { num: 1, den: 1 } }, '(eq(N,0)*0)/TB')).toBe(
      "settb=1/90000,setpts='(eq(N,0)*0)/TB',setsar=r=1/1:max=65535,scale=out_color_matrix=bt601:out_range=tv,format=yuv420p",
    );
  });
  it('CFR: rgb24 from stdin to a faststart H.264 MP4 with keyframes every 12 and progress on stdout', () => {
    expect(encodeArgs(enc, '/o/x.partial.mp4')).toEqual([
      '-nostdin', '-v', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', '340x256', '-framerate', '28/1', '-i', 'pipe:0',
      '-vf', 'setsar=r=64/51:max=65535,scale=out_color_matrix=bt601:out_range=tv,format=yuv420p',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-g', '12', ...TAGS,
      '-vsync', 'passthrough', '-movflags', '+faststart', '-progress', 'pipe:1', '-nostats', '-f', 'mp4', '/o/x.partial.mp4',
    ]);
  });
  it('VFR: filter script, no B-frames, 1/90000 encoder time base, Matroska, then a copy remux', () => {
    expect(encodeVfrArgs({ ...enc, version: V51 }, '/o/f.txt', '/o/x.mkv')).toEqual([
      '-nostdin', '-v', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', '340x256', '-framerate', '28/1', '-i', 'pipe:0',
      '-filter_script:v', '/o/f.txt',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-g', '12', ...TAGS, '-bf', '0',
      '-fps_mode', 'passthrough', '-enc_time_base', '1/90000', '-progress', 'pipe:1', '-nostats', '-f', 'matroska', '/o/x.mkv',
    ]);
    expect(remuxArgs('/o/x.mkv', '/o/x.mp4')).toEqual([
      '-nostdin', '-v', 'error', '-y', '-i', '/o/x.mkv', '-map', '0:v:0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', '/o/x.mp4',
    ]);
  });
});

describe('per-frame timestamps as setpts', () => {
  it('a constant rate is one term', () => {
    expect(vfrSetpts([0, 0.04, 0.08, 0.12])).toBe('(between(N,0,3)*(0+(N-0)*0.04))/TB');
  });
  it('each run of equal gaps is one term; a lone frame is eq()', () => {
    expect(vfrSetpts([0, 0.04, 0.08, 0.18, 0.28, 0.3])).toBe('(between(N,0,2)*(0+(N-0)*0.04)+between(N,3,4)*(0.18+(N-3)*0.1)+eq(N,5)*0.3)/TB');
    expect(vfrSetpts([1.5])).toBe('(eq(N,0)*1.5)/TB');
  });
  it('30000/1001 stays one term despite the microsecond rounding ffprobe prints', () => {
    const ts = Array.from({ length: 300 }, (_, i) => Math.round((i * 1001e6) / 30000) / 1e6);
    expect(ts[299]).toBe(9.976633);
    expect(vfrSetpts(ts)).toBe('(between(N,0,299)*(0+(N-0)*0.033366666))/TB');
  });
  it('a pause in a constant rate splits it', () => {
    expect(vfrSetpts([0, 1, 2, 3, 10, 11, 12])).toBe('(between(N,0,3)*(0+(N-0)*1)+between(N,4,6)*(10+(N-4)*1))/TB');
  });
});
