/**
 * The GP's posterior mean on a Cartesian product grid: one coordinate list per input dimension,
 * every combination predicted. BOREx-3D needs μ at every voxel × box size × duration for its final
 * map (224·224·16 voxels × 12 boxes ≈ 10⁷ points at full size), far too many to hold as an
 * explicit point list (5 numbers each) for predictMean.
 *
 * On a product grid d² = Σ_j (z_j/ℓ_j − x_ij/ℓ_j)² is a sum of one table lookup per axis, so the
 * inner loop is one addition, one sqrt and one exp per point and observation. Lines whose partial
 * sum over the leading axes already reaches D2_CUT are skipped: there the Matérn 3/2 kernel
 * (1+r)·e^(−r) < 1.3e-18 (r ≥ 45), below float64 rounding of any mean it would be added to. Apart
 * from those dropped terms and the order of the additions inside d², the values equal predictMean.
 */
import type { GaussianProcess } from './gaussian-process.ts';
import { expNeg } from './fast-exp.ts';
import { SQRT3 } from './matern.ts';

/** d² beyond which a kernel value is dropped: r = √3·√d² ≥ 45. */
const D2_CUT = (45 * 45) / 3;

/**
 * Writes μ at every grid point into `out`, row-major over `loopOrder` (its first dim outermost).
 * `axes[j]`: the coordinates of GP dim j (in the GP's units); `loopOrder`: a permutation of the
 * GP's dims. `out` must hold Π axes[j].length values.
 */
export function predictMeanOnGrid(gp: GaussianProcess, axes: readonly ArrayLike<number>[], loopOrder: readonly number[], out: Float64Array): void {
  const dims = gp.dims;
  if (axes.length !== dims || loopOrder.length !== dims) throw new Error(`a grid for a ${dims}-D GP needs ${dims} axes and a loop order over them`);
  if (new Set(loopOrder).size !== dims || loopOrder.some((j) => !(j >= 0 && j < dims))) throw new Error(`loop order [${loopOrder.join(',')}] is not a permutation of 0..${dims - 1}`);
  const sizes = loopOrder.map((j) => axes[j].length);
  const total = sizes.reduce((a, b) => a * b, 1);
  if (out.length < total) throw new Error(`the grid has ${total} points, the output holds ${out.length}`);
  out.fill(0, 0, total);
  const n = gp.size;
  if (n === 0 || total === 0) return;
  const alpha = gp.weights();
  const x = gp.observationPoints();
  const invLs = gp.factor().inverseLengthScale;
  const sf2 = gp.signalVariance;
  // tables[level][v]: squared scaled distance along the level's axis to the current observation.
  const tables = sizes.map((s) => new Float64Array(s));
  // Row-major strides of the output per level.
  const strides = new Array<number>(dims);
  let stride = 1;
  for (let level = dims - 1; level >= 0; level--) {
    strides[level] = stride;
    stride *= sizes[level];
  }
  const last = dims - 1;
  const lastTable = tables[last];
  const lastSize = sizes[last];
  // Odometer over the leading levels (the last one is the line addLine sweeps), with the partial
  // d² of each level kept so a step only redoes the levels that changed.
  const index = new Int32Array(dims);
  const partial = new Float64Array(dims + 1);

  for (let i = 0; i < n; i++) {
    for (let level = 0; level < dims; level++) {
      const j = loopOrder[level];
      const axis = axes[j];
      const table = tables[level];
      const xi = x[i * dims + j] * invLs[j];
      for (let v = 0; v < axis.length; v++) {
        const a = axis[v] * invLs[j] - xi;
        table[v] = a * a;
      }
    }
    const weight = sf2 * alpha[i];
    index.fill(0);
    for (let level = 0; level < last; level++) partial[level + 1] = partial[level] + tables[level][0];
    for (;;) {
      const base = partial[last];
      if (base < D2_CUT) {
        let offset = 0;
        for (let level = 0; level < last; level++) offset += index[level] * strides[level];
        addLine(out, offset, lastTable, lastSize, base, weight);
      }
      // Next index of the leading levels, the deepest fastest.
      let level = last - 1;
      while (level >= 0 && ++index[level] >= sizes[level]) index[level--] = 0;
      if (level < 0) break;
      for (let l = level; l < last; l++) partial[l + 1] = partial[l] + tables[l][index[l]];
    }
  }
}

/**
 * out[offset + v] += weight·k(base + table[v]) along one line of the grid: the hot loop, without
 * a per-point cut (a branch here costs more than the few far points it would skip).
 */
function addLine(out: Float64Array, offset: number, table: Float64Array, size: number, base: number, weight: number): void {
  for (let v = 0; v < size; v++) {
    const r = SQRT3 * Math.sqrt(base + table[v]);
    out[offset + v] += (1 + r) * expNeg(r) * weight;
  }
}
