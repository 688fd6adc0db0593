/**
 * The paper's models (Zhang et al. 2017, Appendix A and Table 1), built from the registry
 * (src/models/registry.ts) on tfjs: seeded Glorot-uniform kernels, zero biases, the layers of
 * src/models/layers.ts, ReLU everywhere. For a
 * 28×28×3 input their parameter counts (conv/dense weights and biases; BatchNorm not counted) are
 * MLP 1×512 1,209,866 · MLP 3×512 1,735,178 · small AlexNet 1,387,786 · small Inception 1,649,402
 * (with or without BatchNorm); for MNIST's 28×28×1 the MLPs have 407,050 and 932,362.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random/rng.js';
import { ParamStore, convUnit, dense, type ApplyOptions } from './layers.js';
import { MODELS, MODEL_IDS, parseModelId, type InputShape, type ModelId, type ModelSpec, type ModelToolkit } from './registry.js';

export type { ApplyOptions, InputShape, ModelId, ModelSpec };
export { MODELS, MODEL_IDS, parseModelId };

/** A built model: seeded parameters and a forward pass to logits. */
export interface Model {
  id: ModelId;
  inputShape: InputShape;
  classes: number;
  store: ParamStore;
  /** the paper's count: conv and dense weights and biases */
  parameterCount: number;
  /** BatchNorm γ and β (trainable, not in the paper's count) */
  bnParameterCount: number;
  /** conv units (each reports its forward and backward pass through {@link ApplyOptions.onUnit}); 0 for MLPs */
  units: number;
  /** its registry entry (default learning rate, which parameters weight decay applies to, multiply-adds) */
  spec: ModelSpec;
  /** x: (B, H, W, C) → logits (B, classes) */
  apply(x: tf.Tensor4D, options: ApplyOptions): tf.Tensor2D;
  dispose(): void;
}

/** Build options. */
export interface BuildOptions {
  /** seed of the initial weights */
  seed: number;
  /** number of classes (10) */
  classes?: number;
}

function drop(x: tf.Tensor2D, options: ApplyOptions, salt: number): tf.Tensor2D {
  const rate = options.dropout ?? 0;
  if (!options.training || rate <= 0) return x;
  return tf.dropout(x, rate, undefined, new Rng(options.seed ?? 0).fork(`dropout/${salt}`).nextUint32()) as tf.Tensor2D;
}

/** tfjs and the layers, handed to each registry entry's `build`. */
const toolkit: ModelToolkit = { tf, dense, convUnit, drop };

/**
 * Builds a model with seeded Glorot-uniform weights and zero biases.
 *
 * @param id one of {@link MODEL_IDS}
 * @param inputShape (height, width, channels): (28, 28, 1) for MNIST, (28, 28, 3) for cropped CIFAR-10
 * @param options seed and number of classes
 * @example
 * const m = buildModel('mlp-1x512', [28, 28, 3], { seed: 1 });
 * m.parameterCount; // 1209866
 */
export function buildModel(id: ModelId, inputShape: InputShape, options: BuildOptions): Model {
  const classes = options.classes ?? 10;
  const spec: ModelSpec = MODELS[parseModelId(id)];
  const store = new ParamStore(new Rng(options.seed).fork(`init/${id}`));
  const apply = spec.build(toolkit, store, inputShape, classes);
  return {
    id,
    inputShape,
    classes,
    store,
    parameterCount: store.count(['weight']),
    bnParameterCount: store.count(['bn']),
    units: store.params.filter((p) => p.kind === 'weight' && p.variable.rank === 4).length, // one conv kernel per unit
    spec,
    apply,
    dispose: () => store.dispose(),
  };
}
