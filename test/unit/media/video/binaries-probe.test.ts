import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheDir, ensureExecutable, unpackedPath } from '../../../../src/engine/media/video/binaries.ts';
import { browserPlayable, parseFrameLines, rotationOf } from '../../../../src/engine/media/video/probe.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'borex-bin-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('binary paths', () => {
  it('a path inside app.asar becomes app.asar.unpacked', () => {
    expect(unpackedPath('/opt/B/resources/app.asar/node_modules/@ffmpeg-installer/linux-x64/ffmpeg')).toBe(
      '/opt/B/resources/app.asar.unpacked/node_modules/@ffmpeg-installer/linux-x64/ffmpeg',
    );
    expect(unpackedPath('C:\\B\\resources\\app.asar\\node_modules\\x\\ffmpeg.exe')).toBe('C:\\B\\resources\\app.asar.unpacked\\node_modules\\x\\ffmpeg.exe');
    expect(unpackedPath('/home/u/app.asar.unpacked/x/ffmpeg')).toBe('/home/u/app.asar.unpacked/x/ffmpeg');
    expect(unpackedPath('/repo/node_modules/x/ffmpeg')).toBe('/repo/node_modules/x/ffmpeg');
  });
  it('cache folder: BOREX_CACHE_DIR, else ~/.cache/borex', () => {
    expect(cacheDir({ BOREX_CACHE_DIR: '/c' })).toBe('/c');
    expect(cacheDir({})).toBe(path.join(os.homedir(), '.cache', 'borex'));
  });
  it('an executable binary is used in place', () => {
    const f = path.join(work, 'tool');
    fs.writeFileSync(f, '#!/bin/sh\n');
    expect(ensureExecutable(f, path.join(work, 'cache'), () => true)).toBe(f);
    expect(fs.existsSync(path.join(work, 'cache'))).toBe(false);
  });
  it('a binary we may not execute (0744 owned by another user) is copied once with mode 0755', () => {
    const f = path.join(work, 'ffprobe');
    fs.writeFileSync(f, 'binary');
    fs.chmodSync(f, 0o744);
    const notOriginal = (p: string) => p !== f;
    const copy = ensureExecutable(f, path.join(work, 'cache'), notOriginal);
    expect(path.dirname(copy)).toBe(path.join(work, 'cache'));
    expect(path.basename(copy)).toMatch(/^ffprobe-6-\d+$/);
    expect(fs.statSync(copy).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(copy, 'utf8')).toBe('binary');
    const mtime = fs.statSync(copy).mtimeMs;
    expect(ensureExecutable(f, path.join(work, 'cache'), notOriginal)).toBe(copy);
    expect(fs.statSync(copy).mtimeMs).toBe(mtime);
    expect(fs.readdirSync(path.join(work, 'cache'))).toEqual([path.basename(copy)]);
  });
});

describe('probe helpers', () => {
  it('browser playability by container, codec and extension', () => {
    const mp4 = 'mov,mp4,m4a,3gp,3g2,mj2';
    expect(browserPlayable(mp4, 'h264', 'a.mp4')).toBe(true);
    expect(browserPlayable(mp4, 'av1', 'a.mp4')).toBe(true);
    expect(browserPlayable(mp4, 'vp9', 'a.mov')).toBe(true);
    expect(browserPlayable(mp4, 'hevc', 'a.mp4')).toBe(false);
    expect(browserPlayable(mp4, 'mpeg4', 'a.mp4')).toBe(false);
    expect(browserPlayable('matroska,webm', 'vp9', 'a.webm')).toBe(true);
    expect(browserPlayable('matroska,webm', 'vp8', 'a.webm')).toBe(true);
    expect(browserPlayable('matroska,webm', 'vp9', 'a.mkv')).toBe(false);
    expect(browserPlayable('avi', 'h264', 'a.avi')).toBe(false);
    expect(browserPlayable('avi', 'mpeg4', 'a.avi')).toBe(false);
  });
  it('rotation from the display matrix or the old tag, clockwise', () => {
    expect(rotationOf({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] })).toBe(90);
    expect(rotationOf({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: 90 }] })).toBe(270);
    expect(rotationOf({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: 180 }] })).toBe(180);
    expect(rotationOf({ tags: { rotate: '90' } })).toBe(90);
    expect(rotationOf({})).toBe(0);
  });
  it('frame lines: times, durations, gaps and N/A filled', () => {
    const text = [
      'best_effort_timestamp_time=0.000000|pkt_duration_time=0.040000|duration_time=0.040000|',
      '',
      'best_effort_timestamp_time=0.040000|pkt_duration_time=N/A|duration_time=N/A',
      'best_effort_timestamp_time=N/A|pkt_duration_time=0.100000',
      'best_effort_timestamp_time=0.300000|duration_time=N/A',
    ].join('\n');
    const { pts, durations } = parseFrameLines(text, 0.05);
    // Line 3 has no time: previous time + previous duration, which is unknown too, so the fallback step.
    expect([...pts].map((t) => Number(t.toFixed(6)))).toEqual([0, 0.04, 0.09, 0.3]);
    // Unknown durations: the gap to the next frame; the last one: the fallback step.
    expect([...durations].map((d) => Number(d.toFixed(6)))).toEqual([0.04, 0.05, 0.1, 0.05]);
  });
});
