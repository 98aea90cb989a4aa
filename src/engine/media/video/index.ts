/** The ffmpeg layer for video: binaries, one spawn point, probe, decode by index, encode to H.264 MP4. */
export { binaryPath, resetBinaryCache } from './binaries.ts';
export { ffmpegVersion, ToolFailure } from './spawn.ts';
export { parseRational, type Rational } from './args.ts';
export { probeVideo, browserPlayable, type VideoInfo, type ColourTags } from './probe.ts';
export { decodeFrames, streamFrames, type DecodeOptions, type DecodedFrame } from './decode.ts';
export { createVideoWriter, encodeVideo, type EncodeOptions, type EncodeResult, type VideoWriter } from './encode.ts';
