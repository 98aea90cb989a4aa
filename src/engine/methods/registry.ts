/**
 * The method registry: the one dispatch from a MethodConfig to the code that computes its map
 * (docs/architecture.md, "How to add a method": a row here plus its config in config.ts). A
 * refinement (bo, borex) computes its prior by the same dispatch, or is handed one already
 * computed (a batch shares one prior between several refinements).
 */
import type { DeletionCheck } from '../../shared/results.ts';
import { BorexError } from '../errors.ts';
import type { JobControl } from '../progress.ts';
import { spatialDims, type Dims } from '../tensor/dims.ts';
import { borex, type BorexSample } from './borex.ts';
import type { BorexCache } from './borex-cache.ts';
import { isPriorMapFile } from '../../shared/media.ts';
import { methodConfig, type MethodConfig, type MethodName, type PriorSource } from './config.ts';
import { priorOnClip, priorOnInput, readPriorFile } from './imported-prior.ts';
import { rise } from './rise.ts';
import type { ExplainTarget } from './target.ts';
import { whiteBoxMap } from './white-box.ts';

/** A saliency map with its dims (the input's spatial dims: [H,W], or [T,H,W] for a clip). */
export interface SaliencyMap {
  map: Float32Array;
  dims: Dims;
  /** Signed maps (PN-RISE) are drawn symmetric about 0. */
  signed: boolean;
}

export interface MethodOutput extends SaliencyMap {
  /** For refinements: the prior that was refined. */
  prior?: SaliencyMap & { method: PriorSource };
  borex?: { samples: BorexSample[]; lengthScale: number[]; gpMs: number; modelCalls: number; priorWeight?: number; priorOffsets?: number[]; check?: DeletionCheck; uncertainty?: Float32Array };
}

/** What a caller may hand a method beyond target and config. */
export interface MethodContext {
  /** For a refinement whose config names a prior: that prior, already computed (not computed again). */
  prior?: SaliencyMap;
  /** Candidate sets kept between BOREx runs of one geometry, owned by the caller. */
  cache?: BorexCache;
  /** BOREx/BO on an image or a clip: also the posterior σ map (MethodOutput.borex.uncertainty). */
  uncertainty?: boolean;
}

export async function computeMap(target: ExplainTarget, config: MethodConfig, control: JobControl = {}, context: MethodContext = {}): Promise<MethodOutput> {
  const dims = spatialDims(target.dims);
  switch (config.method) {
    case 'rise':
    case 'pn-rise':
      return { map: await rise(target, { ...config.rise, seed: config.seed }, config.method === 'pn-rise', control), dims, signed: config.method === 'pn-rise' };
    case 'bo':
    case 'borex': {
      const params = { ...(config.borex ?? methodConfig({ method: config.method, preset: config.preset, prior: config.prior, clip: target.dims.length === 4 }).borex!), seed: config.seed };
      const priorName: PriorSource = config.method === 'bo' ? 'none' : (config.prior ?? 'rise');
      const prior = priorName === 'none' ? undefined : (context.prior ?? (await priorMap(target, config, priorName, control, context.cache)));
      const out = await borex(target, prior?.map ?? null, params, control, context.cache, { uncertainty: context.uncertainty });
      return {
        map: out.map,
        dims,
        signed: prior?.signed ?? false,
        prior: prior && { method: priorName, map: prior.map, dims: prior.dims, signed: prior.signed },
        borex: {
          samples: out.samples,
          lengthScale: out.lengthScale,
          gpMs: out.gpMs,
          modelCalls: out.modelCalls,
          ...(out.priorWeight !== undefined ? { priorWeight: out.priorWeight, priorOffsets: out.priorOffsets } : {}),
          ...(out.check ? { check: out.check } : {}),
          ...(out.uncertainty ? { uncertainty: out.uncertainty } : {}),
        },
      };
    }
    case 'gradcam':
    case 'gradcampp':
      return { map: await whiteBoxMap(target, config.method === 'gradcam' ? 'gradcam' : 'gradcam++'), dims, signed: false };
  }
}

/** A refinement's prior: a map imported from a file, or the named method's map with the same config. */
async function priorMap(target: ExplainTarget, config: MethodConfig, prior: PriorSource, control: JobControl, cache: BorexCache | undefined): Promise<SaliencyMap> {
  if (!isPriorMapFile(prior)) return computeMap(target, { ...config, method: prior as MethodName }, control, { cache });
  const dims = spatialDims(target.dims);
  if (dims.length === 3) {
    const map = priorOnClip(await readPriorFile(prior, 3), prior, dims);
    return { map, dims, signed: map.some((v) => v < 0) };
  }
  if (!target.geometry) throw new BorexError('runtime', 'an imported prior needs the image geometry');
  const map = priorOnInput(await readPriorFile(prior), target.geometry);
  return { map, dims: spatialDims(target.dims), signed: map.some((v) => v < 0) };
}
