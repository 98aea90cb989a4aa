/**
 * Moré–Thuente line search (MINPACK-2 `dcsrch` / `dcstep`), the one L-BFGS-B uses. It finds a
 * step satisfying the strong Wolfe conditions
 *
 *   φ(stp) ≤ φ(0) + ftol·stp·φ'(0),   |φ'(stp)| ≤ gtol·|φ'(0)|
 *
 * by safeguarded cubic/quadratic interpolation within [stpmin, stpmax]. Written as a small state
 * machine (start → next → next …) so the caller owns the function evaluations, like the Fortran
 * reverse-communication interface.
 */

export type LineSearchTask = 'FG' | 'CONVERGENCE' | 'WARNING';

export interface LineSearchState {
  /** Step to evaluate next (or the accepted one once the task is not 'FG'). */
  stp: number;
  task: LineSearchTask;
  message: string;
  brackt: boolean;
  stage: 1 | 2;
  ginit: number;
  gtest: number;
  finit: number;
  ftol: number;
  gtol: number;
  xtol: number;
  stpmin: number;
  stpmax: number;
  width: number;
  width1: number;
  stx: number;
  fx: number;
  gx: number;
  sty: number;
  fy: number;
  gy: number;
  stmin: number;
  stmax: number;
}

const XTRAPL = 1.1;
const XTRAPU = 4.0;

function start(
  f: number,
  g: number,
  stp: number,
  ftol: number,
  gtol: number,
  xtol: number,
  stpmin: number,
  stpmax: number,
): LineSearchState {
  if (!(g < 0)) throw new Error('line search needs a descent direction');
  if (stp < stpmin || stp > stpmax) throw new Error('initial step outside [stpmin, stpmax]');
  return {
    stp,
    task: 'FG',
    message: 'FG',
    brackt: false,
    stage: 1,
    finit: f,
    ginit: g,
    gtest: ftol * g,
    ftol,
    gtol,
    xtol,
    stpmin,
    stpmax,
    width: stpmax - stpmin,
    width1: (stpmax - stpmin) / 0.5,
    stx: 0,
    fx: f,
    gx: g,
    sty: 0,
    fy: f,
    gy: g,
    stmin: 0,
    stmax: stp + XTRAPU * stp,
  };
}

/** Feed φ(stp) and φ'(stp) for the current `s.stp`; returns the new task. */
function next(s: LineSearchState, f: number, g: number): LineSearchTask {
  const ftest = s.finit + s.stp * s.gtest;
  if (s.stage === 1 && f <= ftest && g >= 0) s.stage = 2;

  let warning = '';
  if (s.brackt && (s.stp <= s.stmin || s.stp >= s.stmax)) warning = 'ROUNDING ERRORS PREVENT PROGRESS';
  if (s.brackt && s.stmax - s.stmin <= s.xtol * s.stmax) warning = 'XTOL TEST SATISFIED';
  if (s.stp === s.stpmax && f <= ftest && g <= s.gtest) warning = 'STP = STPMAX';
  if (s.stp === s.stpmin && (f > ftest || g >= s.gtest)) warning = 'STP = STPMIN';
  if (f <= ftest && Math.abs(g) <= s.gtol * -s.ginit) {
    s.task = 'CONVERGENCE';
    s.message = 'CONVERGENCE';
    return s.task;
  }
  if (warning) {
    s.task = 'WARNING';
    s.message = `WARNING: ${warning}`;
    return s.task;
  }

  // In the first stage, while the sufficient-decrease test fails but f has not increased, use
  // the modified function ψ(stp) = φ(stp) − φ(0) − ftol·stp·φ'(0).
  if (s.stage === 1 && f <= s.fx && f > ftest) {
    const fm = f - s.stp * s.gtest;
    const iv = {
      stx: s.stx,
      fx: s.fx - s.stx * s.gtest,
      dx: s.gx - s.gtest,
      sty: s.sty,
      fy: s.fy - s.sty * s.gtest,
      dy: s.gy - s.gtest,
      stp: s.stp,
      brackt: s.brackt,
    };
    cstep(iv, fm, g - s.gtest, s.stmin, s.stmax);
    s.stx = iv.stx;
    s.sty = iv.sty;
    s.stp = iv.stp;
    s.brackt = iv.brackt;
    s.fx = iv.fx + iv.stx * s.gtest;
    s.fy = iv.fy + iv.sty * s.gtest;
    s.gx = iv.dx + s.gtest;
    s.gy = iv.dy + s.gtest;
  } else {
    const iv = { stx: s.stx, fx: s.fx, dx: s.gx, sty: s.sty, fy: s.fy, dy: s.gy, stp: s.stp, brackt: s.brackt };
    cstep(iv, f, g, s.stmin, s.stmax);
    s.stx = iv.stx;
    s.fx = iv.fx;
    s.gx = iv.dx;
    s.sty = iv.sty;
    s.fy = iv.fy;
    s.gy = iv.dy;
    s.stp = iv.stp;
    s.brackt = iv.brackt;
  }

  // Force a sufficient decrease in the size of the bracketing interval.
  if (s.brackt) {
    if (Math.abs(s.sty - s.stx) >= 0.66 * s.width1) s.stp = s.stx + 0.5 * (s.sty - s.stx);
    s.width1 = s.width;
    s.width = Math.abs(s.sty - s.stx);
  }
  if (s.brackt) {
    s.stmin = Math.min(s.stx, s.sty);
    s.stmax = Math.max(s.stx, s.sty);
  } else {
    s.stmin = s.stp + XTRAPL * (s.stp - s.stx);
    s.stmax = s.stp + XTRAPU * (s.stp - s.stx);
  }
  s.stp = Math.min(Math.max(s.stp, s.stpmin), s.stpmax);
  // If further progress is not possible, let stp be the best point obtained.
  if ((s.brackt && (s.stp <= s.stmin || s.stp >= s.stmax)) || (s.brackt && s.stmax - s.stmin <= s.xtol * s.stmax)) {
    s.stp = s.stx;
  }
  s.task = 'FG';
  s.message = 'FG';
  return s.task;
}

interface Interval {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  stp: number;
  brackt: boolean;
}

/** One safeguarded step (MINPACK-2 dcstep): updates the interval of uncertainty and stp. */
function cstep(v: Interval, fp: number, dp: number, stpmin: number, stpmax: number): void {
  const { stx, fx, dx, sty, fy, dy, stp } = v;
  const sgnd = dp * (dx / Math.abs(dx));
  let stpf: number;
  if (fp > fx) {
    // Case 1: higher function value. The minimum is bracketed.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const r = p / q;
    const stpc = stx + r * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    v.brackt = true;
  } else if (sgnd < 0) {
    // Case 2: lower function value and derivatives of opposite sign. Bracketed.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const r = p / q;
    const stpc = stp + r * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    v.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    // Case 3: lower function value, same-sign derivatives, derivative magnitude decreases.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
    else if (stp > stx) stpc = stpmax;
    else stpc = stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (v.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      if (stp > stx) stpf = Math.min(stp + 0.66 * (sty - stp), stpf);
      else stpf = Math.max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.min(stpmax, stpf);
      stpf = Math.max(stpmin, stpf);
    }
  } else {
    // Case 4: lower function value, same-sign derivatives, derivative does not decrease.
    if (v.brackt) {
      const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
      const s = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
      let gamma = s * Math.sqrt((theta / s) ** 2 - (dy / s) * (dp / s));
      if (stp > sty) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma - dp + gamma + dy;
      const r = p / q;
      stpf = stp + r * (sty - stp);
    } else if (stp > stx) {
      stpf = stpmax;
    } else {
      stpf = stpmin;
    }
  }
  // Update the interval which contains a minimiser.
  if (fp > fx) {
    v.sty = stp;
    v.fy = fp;
    v.dy = dp;
  } else {
    if (sgnd < 0) {
      v.sty = stx;
      v.fy = fx;
      v.dy = dx;
    }
    v.stx = stp;
    v.fx = fp;
    v.dx = dp;
  }
  v.stp = stpf;
}

export const moreThuenteStep = { start, next };
