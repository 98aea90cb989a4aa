export { parseOnnxModel, tensorValues, DataType, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxGraph, type OnnxValueInfo } from './onnx.ts';
export { findCamHead, requireCamHead, CamHeadRefusal, REFUSAL_MESSAGE, type CamHead, type CamHeadResult, type FindCamHeadOptions } from './head.ts';
export { addOutputs } from './add-outputs.ts';
export { createCamSession, SAME_ON_EVERY_CPU, type CamSession, type CamSessionRun, type CamSessionOptions } from './session.ts';
export { addMaskedInput, MASKED_INPUTS, MASKED_OUTPUTS, type MaskedInputOptions } from './masked-input.ts';
export { wrapAsClipModel, ClipWrapRefusal, CLIP_INPUT, CLIP_FEATURES, type ClipWrapOptions, type ClipWrapResult } from './clip-wrapper.ts';
