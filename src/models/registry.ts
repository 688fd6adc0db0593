/**
 * The paper's models (Zhang et al. 2017, Appendix A and Fig. 3), ReLU everywhere, as a registry: one
 * entry per model holds everything the rest of `rethink` needs — its id (the CLI's choices and help),
 * its default learning rate, its multiply-adds per example (the bench's GFLOP/s), which parameters
 * weight decay applies to, and how to build it. Adding a model is adding an entry.
 *
 * This module imports no TensorFlow.js (the CLI lists the models without loading it): `build`
 * receives tfjs and the layer constructors in a {@link ModelToolkit}.
 *
 * Parameter counts for a 28×28×3 input (conv/dense weights and biases; BatchNorm not counted):
 * MLP 1×512 1,209,866 · MLP 3×512 1,735,178 · small AlexNet 1,387,786 · small Inception 1,649,402
 * (with or without BatchNorm); for MNIST's 28×28×1 the MLPs have 407,050 and 932,362 (tested).
 */
import type * as TF from '@tensorflow/tfjs';
import { InputError } from '../errors.js';
import type { ApplyOptions, ConvUnit, DenseOptions, LayerInput, ParamStore } from './layers.js';

/** Input shape (height, width, channels). */
export type InputShape = [number, number, number];

/** A built model's forward pass: x (B, H, W, C) → logits (B, classes). */
export type ApplyFn = (x: TF.Tensor4D, options: ApplyOptions) => TF.Tensor2D;

/** What `build` gets: tfjs and the layers of src/models/layers.ts. */
export interface ModelToolkit {
  tf: typeof TF;
  /** y = x·W + b (or its ReLU, fused), (B, fanIn) → (B, fanOut) */
  dense(store: ParamStore, name: string, fanIn: number, fanOut: number, options?: DenseOptions): (x: TF.Tensor2D) => TF.Tensor2D;
  /** conv → bias → [BatchNorm] → ReLU as one op */
  convUnit(store: ParamStore, name: string, k: number, cIn: number, cOut: number, options: { stride?: number; batchNorm: boolean; input?: LayerInput }): ConvUnit;
  /** dropout on a hidden fully-connected activation (training only, seeded per step and `salt`) */
  drop(x: TF.Tensor2D, options: ApplyOptions, salt: number): TF.Tensor2D;
}

/** A model of the registry. */
export interface ModelSpec {
  readonly description: string;
  /** η₀ of the paper's Appendix A */
  readonly defaultLearningRate: number;
  /** multiply-adds of one forward pass of one example (×2 FLOPs, ×3 with the backward pass) */
  macsPerExample(shape: InputShape, classes: number): number;
  /** whether weight decay applies to a parameter (the paper's "default coefficient" is on kernels, not biases or BatchNorm) */
  decays(paramName: string): boolean;
  /** creates the parameters in `store` (seeded) and returns the forward pass */
  build(t: ModelToolkit, store: ParamStore, shape: InputShape, classes: number): ApplyFn;
}

/** Weight decay on conv and dense kernels (`…/W`) only. */
const kernelsOnly = (name: string): boolean => name.endsWith('/W');

/** MLP with `depth` hidden layers of 512 ReLU units. */
function mlp(depth: number): ModelSpec {
  return {
    description: `multilayer perceptron, ${depth} hidden layer${depth > 1 ? 's' : ''} of 512 ReLU units`,
    defaultLearningRate: 0.01,
    macsPerExample: ([h, w, c], classes) => h * w * c * 512 + (depth - 1) * 512 * 512 + 512 * classes,
    decays: kernelsOnly,
    build({ tf, dense, drop }, store, [h, w, c], classes) {
      const d = h * w * c;
      const hidden = Array.from({ length: depth }, (_, i) => dense(store, `dense${i + 1}`, i === 0 ? d : 512, 512, { activation: 'relu', input: i === 0 ? 'data' : 'activations' }));
      const out = dense(store, 'logits', 512, classes);
      return (x, options) => {
        let a = tf.reshape(x, [x.shape[0], d]) as TF.Tensor2D; // (B, d)
        hidden.forEach((layer, i) => {
          a = drop(layer(a), options, i);
        });
        return out(a); // (B, classes)
      };
    },
  };
}

/** Output side of a 'same' 3×3/2 max-pool. */
const halve = (s: number): number => Math.ceil(s / 2);

/** Small AlexNet: [conv5×5(64) → ReLU → maxpool 3×3/2 → LRN] ×2 → FC384 → FC192 → FC10. */
const alexnet: ModelSpec = {
  description: 'small AlexNet: [conv 5×5 (64) → max-pool → LRN] ×2 → FC 384 → FC 192',
  defaultLearningRate: 0.01,
  macsPerExample: ([h, w, c], classes) => {
    const flat = halve(halve(h)) * halve(halve(w)) * 64;
    return h * w * 25 * c * 64 + halve(h) * halve(w) * 25 * 64 * 64 + flat * 384 + 384 * 192 + 192 * classes;
  },
  decays: kernelsOnly,
  build({ tf, dense, convUnit, drop }, store, [h, w, c], classes) {
    const conv1 = convUnit(store, 'conv1', 5, c, 64, { batchNorm: false, input: 'data' }); // conv → bias → ReLU
    const conv2 = convUnit(store, 'conv2', 5, 64, 64, { batchNorm: false });
    const flat = halve(halve(h)) * halve(halve(w)) * 64;
    const fc1 = dense(store, 'fc384', flat, 384, { activation: 'relu' });
    const fc2 = dense(store, 'fc192', 384, 192, { activation: 'relu' });
    const out = dense(store, 'logits', 192, classes);
    // LRN as in TensorFlow's CIFAR-10 tutorial: depth radius 4, bias 1, α = 0.001/9, β = 0.75.
    const block = (x: TF.Tensor4D, unit: ConvUnit, options: ApplyOptions): TF.Tensor4D =>
      tf.localResponseNormalization(tf.maxPool(unit(x, options), 3, 2, 'same'), 4, 1, 0.001 / 9, 0.75);
    return (x, options) => {
      const a = block(block(x, conv1, options), conv2, options); // (B, h/4, w/4, 64)
      let z = tf.reshape(a, [x.shape[0], flat]) as TF.Tensor2D;
      z = drop(fc1(z), options, 1);
      z = drop(fc2(z), options, 2);
      return out(z);
    };
  },
};

/**
 * The small Inception's layout (paper Fig. 3): a 3×3 stem, Inception(c1, c3) = 1×1 conv(c1) ∥ 3×3
 * conv(c3), Downsample(c3) = 3×3/2 conv(c3) ∥ 3×3/2 max-pool, each concatenated on channels.
 */
const INCEPTION_LAYOUT: readonly (['stem', number] | ['inc', number, number] | ['down', number])[] = [
  ['stem', 96],
  ['inc', 32, 32],
  ['inc', 32, 48],
  ['down', 80],
  ['inc', 112, 48],
  ['inc', 96, 64],
  ['inc', 80, 80],
  ['inc', 48, 96],
  ['down', 96],
  ['inc', 176, 160],
  ['inc', 176, 160],
];

/** Small Inception, with or without BatchNorm in its conv modules; then a global mean pool → FC10. */
function inception(withBn: boolean): ModelSpec {
  return {
    description: `small Inception (Zhang et al. 2017, Fig. 3)${withBn ? ', conv → BatchNorm → ReLU' : ' without BatchNorm'}`,
    defaultLearningRate: 0.1,
    macsPerExample: ([h, w, c], classes) => {
      let macs = 0;
      let [hh, ww, ch] = [h, w, c];
      for (const layer of INCEPTION_LAYOUT) {
        if (layer[0] === 'stem') {
          macs += hh * ww * 9 * ch * layer[1];
          ch = layer[1];
        } else if (layer[0] === 'inc') {
          macs += hh * ww * ch * (layer[1] + 9 * layer[2]);
          ch = layer[1] + layer[2];
        } else {
          [hh, ww] = [halve(hh), halve(ww)];
          macs += hh * ww * 9 * ch * layer[1];
          ch += layer[1];
        }
      }
      return macs + ch * classes;
    },
    decays: kernelsOnly,
    build({ tf, dense, convUnit, drop }, store, [, , c], classes) {
      const unit = (name: string, k: number, cIn: number, cOut: number, stride = 1): ConvUnit =>
        convUnit(store, name, k, cIn, cOut, { stride, batchNorm: withBn, input: name === 'stem' ? 'data' : 'activations' });
      let channels = c;
      const layers: ConvUnit[] = [];
      INCEPTION_LAYOUT.forEach((layer, index) => {
        if (layer[0] === 'stem') {
          layers.push(unit('stem', 3, channels, layer[1]));
          channels = layer[1];
        } else if (layer[0] === 'inc') {
          const [, c1, c3] = layer;
          const a = unit(`inc${index}/1x1`, 1, channels, c1);
          const b = unit(`inc${index}/3x3`, 3, channels, c3);
          layers.push((x, o) => tf.concat([a(x, o), b(x, o)], 3));
          channels = c1 + c3;
        } else {
          const a = unit(`down${index}/3x3`, 3, channels, layer[1], 2);
          layers.push((x, o) => tf.concat([a(x, o), tf.maxPool(x, 3, 2, 'same')], 3));
          channels += layer[1];
        }
      });
      const out = dense(store, 'logits', channels, classes);
      return (x, options) => {
        let a = x;
        for (const layer of layers) a = layer(a, options);
        const pooled = tf.mean(a, [1, 2]) as TF.Tensor2D; // global mean pool over the final 7×7 map: (B, 336)
        return out(drop(pooled, options, 1));
      };
    },
  };
}

/** The registry. */
export const MODELS = {
  'mlp-1x512': mlp(1),
  'mlp-3x512': mlp(3),
  'small-alexnet': alexnet,
  'small-inception': inception(true),
  'small-inception-no-bn': inception(false),
} as const satisfies Record<string, ModelSpec>;

export type ModelId = keyof typeof MODELS;

/** Model ids, in the registry's order (the CLI's `--model` choices). */
export const MODEL_IDS = Object.keys(MODELS) as ModelId[];

/** Checks a model id, listing the valid ones when it is not. */
export function parseModelId(id: string): ModelId {
  if (!Object.hasOwn(MODELS, id)) throw new InputError(`unknown model '${id}': valid models are ${MODEL_IDS.join(', ')}`);
  return id as ModelId;
}
