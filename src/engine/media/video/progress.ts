/**
 * Parsers for ffmpeg's progress: `-progress pipe:1` writes key=value lines in blocks, each ending
 * with `progress=continue` or `progress=end`; without it, stderr carries `frame=  12 fps=…` stats
 * lines. Pure: fed text, they return what they read.
 */

export interface ProgressBlock {
  /** Frames written so far. */
  frame: number;
  /** Output time in seconds (out_time_us, or out_time_ms which is also µs in ffmpeg), if known. */
  outTime?: number;
  fps?: number;
  speed?: number;
  /** True on the last block. */
  end: boolean;
  /** Every key of the block as ffmpeg wrote it. */
  raw: Record<string, string>;
}

function toBlock(raw: Record<string, string>): ProgressBlock {
  const number = (k: string) => {
    const v = raw[k];
    if (v === undefined || v === 'N/A') return undefined;
    const x = Number.parseFloat(v);
    return Number.isFinite(x) ? x : undefined;
  };
  const us = number('out_time_us') ?? number('out_time_ms');
  return {
    frame: number('frame') ?? 0,
    outTime: us === undefined ? undefined : us / 1e6,
    fps: number('fps'),
    speed: number('speed'), // "1.5x" parses as 1.5
    end: raw.progress === 'end',
    raw,
  };
}

/** Incremental `-progress` parser: push chunks as they come, get the blocks they complete. */
export class ProgressParser {
  private pending = '';
  private current: Record<string, string> = {};

  push(chunk: string): ProgressBlock[] {
    const lines = (this.pending + chunk).split(/\r?\n/);
    this.pending = lines.pop() ?? '';
    const blocks: ProgressBlock[] = [];
    for (const line of lines) {
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq).trim();
      this.current[key] = line.slice(eq + 1).trim();
      if (key === 'progress') {
        blocks.push(toBlock(this.current));
        this.current = {};
      }
    }
    return blocks;
  }
}

/** One stderr stats line, e.g. `frame=  123 fps= 45 q=28.0 size=  256kB time=00:00:04.92 … speed=1.8x`. */
export function parseStatsLine(line: string): { frame: number; fps?: number; time?: number; speed?: number } | undefined {
  const frame = /frame=\s*(\d+)/.exec(line);
  if (!frame) return undefined;
  const fps = /fps=\s*([\d.]+)/.exec(line);
  const time = /time=\s*(-?)(\d+):(\d+):([\d.]+)/.exec(line);
  const speed = /speed=\s*([\d.]+)x/.exec(line);
  return {
    frame: Number(frame[1]),
    fps: fps ? Number(fps[1]) : undefined,
    time: time ? (time[1] ? -1 : 1) * (Number(time[2]) * 3600 + Number(time[3]) * 60 + Number(time[4])) : undefined,
    speed: speed ? Number(speed[1]) : undefined,
  };
}
