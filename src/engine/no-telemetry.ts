/**
 * onnxruntime-node records telemetry (~/.cache/Microsoft/DeveloperTools/.onnxruntime/) and looks up
 * its upload host by DNS unless ORT_DISABLE_TELEMETRY=1 is in the process's environment when its
 * runtime is first initialised (the first InferenceSession). BOREx Studio promises no telemetry, so
 * this module is imported first by every entry point (CLI, utility process, engine worker) and
 * before every `onnxruntime-node` import: ES modules evaluate in import order.
 *
 * Only a main thread can set it: a worker thread's process.env is its own copy, not seen by native
 * code, so a worker relies on the process that started it (and inherits its environment).
 */
process.env.ORT_DISABLE_TELEMETRY = '1';

export const TELEMETRY_DISABLED = true;
