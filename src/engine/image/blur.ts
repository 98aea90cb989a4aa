/**
 * The RISE evaluation code's blur kernel `gkern(klen=11, nsig=5)`: a unit impulse in the middle of
 * a klen×klen array smoothed by `scipy.ndimage.gaussian_filter(σ=nsig)` (truncate 4, mode
 * 'reflect', so the tails fold back inside the 11 taps). It is separable, so this is its 1-D
 * factor. Applied per channel with zero padding in the normalised space, it gives exactly the
 * "blurred image" that RISE/BOREx insertion starts from, keeping our scores comparable with theirs.
 */
export function riseKernel1d(klen = 11, sigma = 5): Float64Array {
  const radius = Math.floor(4 * sigma + 0.5);
  const weights = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let j = -radius; j <= radius; j++) sum += weights[j + radius] = Math.exp((-0.5 * j * j) / (sigma * sigma));
  const centre = klen >> 1;
  const taps = new Float64Array(klen);
  for (let i = 0; i < klen; i++) {
    for (let j = -radius; j <= radius; j++) {
      if (reflect(i - j, klen) === centre) taps[i] += weights[j + radius] / sum;
    }
  }
  return taps;
}

/** scipy.ndimage 'reflect' boundary: (d c b a | a b c d | d c b a). */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  let k = ((i % period) + period) % period;
  if (k >= n) k = period - 1 - k;
  return k;
}

/** Separable blur of a planar CHW tensor with zero padding (as torch conv2d with padding=klen//2). */
export function blurPlanar(tensor: Float32Array, channels: number, height: number, width: number, kernel: Float64Array): Float32Array {
  const out = new Float32Array(tensor.length);
  const tmp = new Float64Array(height * width);
  const r = (kernel.length - 1) >> 1;
  const plane = height * width;
  for (let c = 0; c < channels; c++) {
    const base = c * plane;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let acc = 0;
        for (let k = -r; k <= r; k++) {
          const xx = x + k;
          if (xx >= 0 && xx < width) acc += kernel[k + r] * tensor[base + y * width + xx];
        }
        tmp[y * width + x] = acc;
      }
    }
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let acc = 0;
        for (let k = -r; k <= r; k++) {
          const yy = y + k;
          if (yy >= 0 && yy < height) acc += kernel[k + r] * tmp[yy * width + x];
        }
        out[base + y * width + x] = acc;
      }
    }
  }
  return out;
}

/**
 * The RISE blur of a planar input [C,H,W], or of every frame of a clip [C,T,H,W] (never across
 * frames): the planar layout makes a clip C·T planes of H×W, each blurred as an image channel.
 */
export function blurFrames(tensor: Float32Array, dims: readonly number[]): Float32Array {
  if (dims.length !== 3 && dims.length !== 4) throw new Error(`expected an input [C,H,W] or [C,T,H,W], got dims [${dims.join(',')}]`);
  const height = dims[dims.length - 2];
  const width = dims[dims.length - 1];
  return blurPlanar(tensor, tensor.length / (height * width), height, width, riseKernel1d());
}
