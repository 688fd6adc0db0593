/**
 * The few layers the paper's models need, written on tfjs ops with explicit, seeded
 * parameters (no tfjs-layers: its `fit` shuffles with the unseeded global generator and its initializers draw from a
 * global stream). Every parameter lives in a {@link ParamStore} so that counting, checkpointing and
 * restoring are one loop.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random/rng.js';

/** A named variable with its role: trainable weight, BatchNorm scale/shift, or BatchNorm running statistic. */
export interface Param {
  name: string;
  variable: tf.Variable;
  /** 'weight' (conv/dense kernel or bias — the paper's count), 'bn' (γ, β: trainable, not in the paper's count), 'state' (running mean/variance) */
  kind: 'weight' | 'bn' | 'state';
}

/** Holds a model's variables in creation order; names are unique. */
export class ParamStore {
  readonly params: Param[] = [];
  constructor(private readonly rng: Rng) {}

  private add(name: string, kind: Param['kind'], values: Float32Array, shape: number[]): tf.Variable {
    if (this.params.some((p) => p.name === name)) throw new Error(`duplicate parameter name '${name}'`);
    // tfjs names must be globally unique: ours live in Param.name. The variable shares the initial
    // tensor's data, so the tensor object itself is released (it would otherwise count as a leak).
    const initial = tf.tensor(values, shape);
    const variable = tf.variable(initial, kind !== 'state');
    initial.dispose();
    this.params.push({ name, variable, kind });
    return variable;
  }

  /** Glorot-uniform kernel: U(−l, l), l = √(6 / (fanIn + fanOut)), drawn from this model's seeded stream. */
  glorot(name: string, shape: number[], fanIn: number, fanOut: number): tf.Variable {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const r = this.rng.fork(name);
    const size = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(size);
    for (let i = 0; i < size; i++) v[i] = (2 * r.uniform() - 1) * limit;
    return this.add(name, 'weight', v, shape);
  }

  constant(name: string, kind: Param['kind'], shape: number[], value: number): tf.Variable {
    return this.add(name, kind, new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value), shape);
  }

  /** Trainable variables (weights and BatchNorm γ, β). */
  trainable(): tf.Variable[] {
    return this.params.filter((p) => p.kind !== 'state').map((p) => p.variable);
  }

  /** Number of scalars of the given kinds. */
  count(kinds: Param['kind'][]): number {
    return this.params.filter((p) => kinds.includes(p.kind)).reduce((s, p) => s + p.variable.size, 0);
  }

  dispose(): void {
    for (const p of this.params) p.variable.dispose();
  }
}

/** Dense layer y = x·W + b.  x: (B, fanIn) → (B, fanOut). */
export function dense(store: ParamStore, name: string, fanIn: number, fanOut: number): (x: tf.Tensor2D) => tf.Tensor2D {
  const W = store.glorot(`${name}/W`, [fanIn, fanOut], fanIn, fanOut); // (fanIn, fanOut)
  const b = store.constant(`${name}/b`, 'weight', [fanOut], 0); // (fanOut)
  return (x) => tf.add(tf.matMul(x, W), b);
}

/** Conv2D (NHWC, 'same' padding) with bias. x: (B, H, W, cIn) → (B, H/s, W/s, cOut). */
export function conv(store: ParamStore, name: string, k: number, cIn: number, cOut: number, stride = 1): (x: tf.Tensor4D) => tf.Tensor4D {
  const W = store.glorot(`${name}/W`, [k, k, cIn, cOut], k * k * cIn, k * k * cOut); // (k, k, cIn, cOut)
  const b = store.constant(`${name}/b`, 'weight', [cOut], 0); // (cOut)
  return (x) => tf.add(tf.conv2d(x, W as tf.Tensor4D, stride, 'same'), b);
}

/** BatchNorm settings (Keras defaults). */
export const BN_MOMENTUM = 0.99;
export const BN_EPSILON = 1e-3;

/**
 * BatchNorm over (B, H, W): in training, batch statistics, with the running averages updated in
 * place; in evaluation, the running averages. γ, β trainable (not in the paper's parameter count).
 */
export function batchNorm(store: ParamStore, name: string, c: number): (x: tf.Tensor4D, training: boolean) => tf.Tensor4D {
  const gamma = store.constant(`${name}/gamma`, 'bn', [c], 1);
  const beta = store.constant(`${name}/beta`, 'bn', [c], 0);
  const movingMean = store.constant(`${name}/moving_mean`, 'state', [c], 0);
  const movingVar = store.constant(`${name}/moving_variance`, 'state', [c], 1);
  return (x, training) => {
    if (!training) return tf.batchNorm4d(x, movingMean as tf.Tensor1D, movingVar as tf.Tensor1D, beta as tf.Tensor1D, gamma as tf.Tensor1D, BN_EPSILON);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    // Running statistics: a side effect outside the loss path (no gradient flows through assign).
    movingMean.assign(tf.add(tf.mul(movingMean, BN_MOMENTUM), tf.mul(mean, 1 - BN_MOMENTUM)));
    movingVar.assign(tf.add(tf.mul(movingVar, BN_MOMENTUM), tf.mul(variance, 1 - BN_MOMENTUM)));
    return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, beta as tf.Tensor1D, gamma as tf.Tensor1D, BN_EPSILON);
  };
}
