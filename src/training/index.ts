/**
 * `rethink/training`: the training engine as a library (loads TensorFlow.js; the theory in `rethink`
 * does not).
 *
 * @example
 * import { fit, FIT_DEFAULTS } from 'rethink/training';
 * const r = await fit({ ...FIT_DEFAULTS, data: 'mnist', n: 1000, model: 'mlp-1x512', randomization: 'random-labels', backend: 'auto', seed: 1, out: null });
 */
export { FIT_DEFAULTS, fit, type FitConfig, type FitResult } from './fit.js';
export { evaluate, train, type EpochRecord, type TrainHooks, type TrainOptions, type TrainResult } from './trainer.js';
export { fitParallel } from './parallel.js';
export { MomentumSgd, crossEntropy, learningRate } from './sgd.js';
export { BACKENDS, startBackend, type BackendInfo, type BackendName } from '../engine/backend.js';
export { registerWasmKernels } from '../engine/wasm-kernels.js';
export { MODEL_IDS, buildModel, type Model, type ModelId } from '../models/zoo.js';
export { RANDOMIZATIONS, corruptLabels, randomize, type RandomizationId } from '../randomization/images.js';
export { loadImages, subset, type ImageSet } from '../data/images.js';
export { readCifar10 } from '../data/cifar.js';
export { kernelInterpolateFast, type FastKernelInterpolant } from '../implicit/kernel-fast.js';
