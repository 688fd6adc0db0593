/**
 * The paper's models (Zhang et al. 2017, Appendix A and Table 1), ReLU everywhere. For a
 * 28×28×3 input their parameter counts (conv/dense weights and biases; BatchNorm not counted) are
 * MLP 1×512 1,209,866 · MLP 3×512 1,735,178 · small AlexNet 1,387,786 · small Inception 1,649,402
 * (with or without BatchNorm); for MNIST's 28×28×1 the MLPs have 407,050 and 932,362.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random/rng.js';
import { ParamStore, convUnit, dense, type ApplyOptions, type ConvUnit } from './layers.js';

export type { ApplyOptions };

import { MODEL_IDS, parseModelId, type ModelId } from './ids.js';

export { MODEL_IDS, parseModelId, type ModelId };

/** Input shape (height, width, channels). */
export type InputShape = [number, number, number];

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
  return tf.dropout(x, rate, undefined, ((options.seed ?? 0) * 31 + salt) >>> 0) as tf.Tensor2D;
}

function mlp(store: ParamStore, [h, w, c]: InputShape, depth: number, classes: number): Model['apply'] {
  const d = h * w * c;
  const hidden = Array.from({ length: depth }, (_, i) => dense(store, `dense${i + 1}`, i === 0 ? d : 512, 512));
  const out = dense(store, 'logits', 512, classes);
  return (x, options) => {
    let a = tf.reshape(x, [x.shape[0], d]) as tf.Tensor2D; // (B, d)
    hidden.forEach((layer, i) => {
      a = drop(tf.relu(layer(a)), options, i);
    });
    return out(a); // (B, classes)
  };
}

/** Small AlexNet: [conv5×5(64) → ReLU → maxpool 3×3/2 → LRN] ×2 → FC384 → FC192 → FC10. */
function alexnet(store: ParamStore, [h, w, c]: InputShape, classes: number): Model['apply'] {
  const conv1 = convUnit(store, 'conv1', 5, c, 64, { batchNorm: false }); // conv → bias → ReLU
  const conv2 = convUnit(store, 'conv2', 5, 64, 64, { batchNorm: false });
  const h2 = Math.ceil(Math.ceil(h / 2) / 2);
  const w2 = Math.ceil(Math.ceil(w / 2) / 2);
  const flat = h2 * w2 * 64;
  const fc1 = dense(store, 'fc384', flat, 384);
  const fc2 = dense(store, 'fc192', 384, 192);
  const out = dense(store, 'logits', 192, classes);
  // LRN as in TensorFlow's CIFAR-10 tutorial: depth radius 4, bias 1, α = 0.001/9, β = 0.75.
  const block = (x: tf.Tensor4D, unit: ConvUnit, options: ApplyOptions): tf.Tensor4D =>
    tf.localResponseNormalization(tf.maxPool(unit(x, options), 3, 2, 'same'), 4, 1, 0.001 / 9, 0.75);
  return (x, options) => {
    const a = block(block(x, conv1, options), conv2, options); // (B, h/4, w/4, 64)
    let z = tf.reshape(a, [x.shape[0], flat]) as tf.Tensor2D;
    z = drop(tf.relu(fc1(z)), options, 1);
    z = drop(tf.relu(fc2(z)), options, 2);
    return out(z);
  };
}

/**
 * Small Inception (paper Fig. 3): ConvModule = conv → BN → ReLU; Inception(c1, c3) = 1×1 conv(c1) ∥
 * 3×3 conv(c3); Downsample(c3) = 3×3/2 conv(c3) ∥ 3×3/2 max-pool; then 7×7 mean-pool → FC10.
 */
function inception(store: ParamStore, [, , c]: InputShape, classes: number, withBn: boolean): Model['apply'] {
  type Layer = ConvUnit;
  const convModule = (name: string, k: number, cIn: number, cOut: number, stride = 1): Layer =>
    convUnit(store, name, k, cIn, cOut, { stride, batchNorm: withBn }); // conv → [BN] → ReLU, one op
  let channels = c;
  let index = 0;
  const layers: Layer[] = [];
  const add = (layer: Layer, out: number): void => {
    layers.push(layer);
    channels = out;
  };
  const inc = (c1: number, c3: number): void => {
    const i = ++index;
    const a = convModule(`inc${i}/1x1`, 1, channels, c1);
    const b = convModule(`inc${i}/3x3`, 3, channels, c3);
    add((x, o) => tf.concat([a(x, o), b(x, o)], 3), c1 + c3);
  };
  const down = (c3: number): void => {
    const i = ++index;
    const a = convModule(`down${i}/3x3`, 3, channels, c3, 2);
    add((x, o) => tf.concat([a(x, o), tf.maxPool(x, 3, 2, 'same')], 3), c3 + channels);
  };
  add(convModule('stem', 3, channels, 96), 96);
  inc(32, 32);
  inc(32, 48);
  down(80);
  inc(112, 48);
  inc(96, 64);
  inc(80, 80);
  inc(48, 96);
  down(96);
  inc(176, 160);
  inc(176, 160);
  const out = dense(store, 'logits', channels, classes);
  return (x, options) => {
    let a = x;
    for (const layer of layers) a = layer(a, options);
    // Global mean pool over the final 7×7 map (for 28×28 input).
    const pooled = tf.mean(a, [1, 2]) as tf.Tensor2D; // (B, 336)
    return out(drop(pooled, options, 1));
  };
}

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
  const store = new ParamStore(new Rng(options.seed).fork(`init/${id}`));
  let apply: Model['apply'];
  switch (id) {
    case 'mlp-1x512':
      apply = mlp(store, inputShape, 1, classes);
      break;
    case 'mlp-3x512':
      apply = mlp(store, inputShape, 3, classes);
      break;
    case 'small-alexnet':
      apply = alexnet(store, inputShape, classes);
      break;
    case 'small-inception':
      apply = inception(store, inputShape, classes, true);
      break;
    case 'small-inception-no-bn':
      apply = inception(store, inputShape, classes, false);
      break;
  }
  return {
    id,
    inputShape,
    classes,
    store,
    parameterCount: store.count(['weight']),
    bnParameterCount: store.count(['bn']),
    units: store.params.filter((p) => p.kind === 'weight' && p.variable.rank === 4).length, // one conv kernel per unit
    apply,
    dispose: () => store.dispose(),
  };
}
