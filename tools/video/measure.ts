/**
 * Decode / encode speeds of the ffmpeg layer on this machine (real runs, not estimates):
 *   node bin/run-ts.mjs tools/video/measure.ts [VIDEO_340x256]
 * Makes a 300-frame 1280×720 clip with the bundled ffmpeg for the 720p rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeVideo, probeVideo, streamFrames } from '../../src/engine/media/video/index.ts';
import { runTool } from '../../src/engine/media/video/spawn.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'borex-measure-'));
try {
  const small = process.argv[2] ?? path.resolve('../shared/assets/video/mmaction2/demo.mp4');
  const hd = path.join(dir, 'hd.mp4');
  await runTool('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-frames:v', '300', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', hd]);
  const rows: [string, number][] = [];
  async function decode(label: string, file: string, size?: { width: number; height: number }) {
    const info = await probeVideo(file);
    const t = performance.now();
    let n = 0;
    for await (const _f of streamFrames(file, undefined, { info, size, reuse: true })) n++;
    rows.push([label, n / ((performance.now() - t) / 1000)]);
    return info;
  }
  const info = await decode(`decode ${path.basename(small)} native`, small);
  await decode('decode 1280×720 native', hd);
  await decode('decode 1280×720 scaled to 224×224', hd, { width: 224, height: 224 });
  const frames = [];
  for await (const f of streamFrames(small, undefined, { info })) frames.push(f.data);
  let t = performance.now();
  await encodeVideo(path.join(dir, 'e.mp4'), frames, { width: info.width, height: info.height, fps: info.avgFrameRate, sar: info.sar });
  rows.push([`encode ${info.width}×${info.height} veryfast (frames in memory)`, frames.length / ((performance.now() - t) / 1000)]);
  const hdInfo = await probeVideo(hd);
  t = performance.now();
  const hdFrames = (async function* () { for await (const f of streamFrames(hd, undefined, { info: hdInfo, reuse: true })) yield f.data; })();
  await encodeVideo(path.join(dir, 'e2.mp4'), hdFrames, { width: 1280, height: 720, fps: 30 });
  rows.push(['decode+encode 1280×720 veryfast', 300 / ((performance.now() - t) / 1000)]);
  for (const [label, fps] of rows) console.log(`${label.padEnd(48)} ${fps.toFixed(0)} fps`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
