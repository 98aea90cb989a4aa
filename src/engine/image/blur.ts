/**
 * The RISE code's Gaussian kernel `gkern(klen=11, nsig=5)`: a klen-tap kernel whose taps are the
 * normal CDF differences over [−nsig, nsig] (so σ ≈ klen / (2·nsig) px ≈ 1.1 px), applied per
 * channel with zero padding in the normalised space — exactly what the RISE/BOREx insertion
 * metric's "blurred image" is, so our insertion scores are comparable with theirs.
 */
export function riseKernel1d(klen = 11, nsig = 5): Float64Array {
  const taps = new Float64Array(klen);
  let sum = 0;
  for (let i = 0; i < klen; i++) {
    const a = -nsig + (2 * nsig * i) / klen;
    const b = -nsig + (2 * nsig * (i + 1)) / klen;
    taps[i] = normalCdf(b) - normalCdf(a);
    sum += taps[i];
  }
  for (let i = 0; i < klen; i++) taps[i] /= sum;
  return taps;
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

/** Standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Complementary error function, Numerical Recipes' erfcc (fractional error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
