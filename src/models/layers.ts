/**
 * The few layers the paper's models need, written on tfjs ops with explicit, seeded
 * parameters (no tfjs-layers: its `fit` shuffles with the unseeded global generator and its initializers draw from a
 * global stream). Every parameter lives in a {@link ParamStore} so that counting, checkpointing and
 * restoring are one loop.
 */
import * as tf from '@tensorflow/tfjs';
import { getKernel } from '@tensorflow/tfjs';
import { BATCH_NORM_RELU, BATCH_NORM_RELU_GRAD, DATA_DENSE, DATA_DENSE_GRAD_W } from '../engine/wasm-ops.js';
import { InputError } from '../errors.js';
import { Rng } from '../random/rng.js';

/** A named variable with its role: trainable weight, BatchNorm scale/shift, or BatchNorm running statistic. */
export interface Param {
  name: string;
  variable: tf.Variable;
  /** 'weight' (conv/dense kernel or bias — the paper's count), 'bn' (γ, β: trainable, not in the paper's count), 'state' (running mean/variance) */
  kind: 'weight' | 'bn' | 'state';
}

/** The most values a model's parameters may hold together (1 GiB of float32): the paper's models have under 2 million. */
export const MAX_PARAMETERS = 2 ** 28;

/** Holds a model's variables in creation order; names are unique. */
export class ParamStore {
  readonly params: Param[] = [];
  private total = 0;
  constructor(private readonly rng: Rng) {}

  /** Refuses a parameter that would take the model past {@link MAX_PARAMETERS} (before anything is allocated). */
  private reserve(name: string, shape: number[]): number {
    const size = shape.reduce((a, b) => a * b, 1);
    if (this.total + size > MAX_PARAMETERS) {
      throw new InputError(
        `parameter '${name}' (${shape.join('×')}) would take the model to ${(this.total + size).toLocaleString('en-US')} values, ` +
          `more than ${MAX_PARAMETERS.toLocaleString('en-US')} (1 GiB): the input shape is too large for this model`,
      );
    }
    this.total += size;
    return size;
  }

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
    const size = this.reserve(name, shape);
    const v = new Float32Array(size);
    for (let i = 0; i < size; i++) v[i] = (2 * r.uniform() - 1) * limit;
    return this.add(name, 'weight', v, shape);
  }

  constant(name: string, kind: Param['kind'], shape: number[], value: number): tf.Variable {
    return this.add(name, kind, new Float32Array(this.reserve(name, shape)).fill(value), shape);
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

/**
 * What a layer's input is: `'data'` (the images: no gradient is computed for it — for the first
 * layer that is a third of an MLP's backward arithmetic) or `'activations'` (another layer's output).
 */
export type LayerInput = 'data' | 'activations';

/** Options of {@link dense}. */
export interface DenseOptions {
  /** 'relu': y = max(x·W + b, 0) (default 'linear': y = x·W + b) */
  activation?: 'linear' | 'relu';
  /** default 'activations' */
  input?: LayerInput;
}

/**
 * Dense layer y = x·W + b, or y = max(x·W + b, 0) with `activation` 'relu'.  x: (B, fanIn) → (B, fanOut).
 *
 * One op with a hand-written gradient: the forward pass is tfjs's `_FusedMatMul` kernel (bias and
 * ReLU applied as the product is written, instead of two more passes over (B, fanOut)); the backward
 * pass, with g = dy·[y > 0] (ReLU) or dy, is ∂W = xᵀg, ∂b = Σ_rows g and, unless the input is data,
 * ∂x = g·Wᵀ. With data as input, x is closed over rather than an input of the op, so no ∂x is
 * computed (tfjs's own fused op computes it always), and on wasm the forward product and ∂W are the
 * {@link DATA_DENSE} kernels: sparse products where the images are mostly background (MNIST).
 */
export function dense(store: ParamStore, name: string, fanIn: number, fanOut: number, options: DenseOptions = {}): (x: tf.Tensor2D) => tf.Tensor2D {
  const activation = options.activation ?? 'linear';
  const dataInput = options.input === 'data';
  const W = store.glorot(`${name}/W`, [fanIn, fanOut], fanIn, fanOut) as tf.Tensor2D; // (fanIn, fanOut)
  const b = store.constant(`${name}/b`, 'weight', [fanOut], 0) as tf.Tensor1D; // (fanOut)
  // The _FusedMatMul kernel itself: tf.fused.matMul falls back to matMul + add + relu while gradients
  // are recorded (tfjs cannot differentiate the fused kernel), and this op's gradient is written below.
  // The kernel takes batched (1, ·, ·) operands, as tf.fused.matMul hands them to it.
  const onData = (): boolean => dataInput && getKernel(DATA_DENSE, tf.getBackend()) !== undefined;
  /** y (B, fanOut), and on wasm's data path x − v₀ in CSR (DATA_DENSE's second output), for the gradient. */
  const forward = (x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D): [tf.Tensor2D, tf.Tensor | null] => {
    if (onData()) return tf.engine().runKernel(DATA_DENSE, { x, w, bias }, { activation } as unknown as tf.NamedAttrMap) as [tf.Tensor2D, tf.Tensor];
    const y = tf.engine().runKernel('_FusedMatMul', { a: tf.reshape(x, [1, ...x.shape]), b: tf.reshape(w, [1, ...w.shape]), bias }, { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 } as unknown as tf.NamedAttrMap) as tf.Tensor3D; // (1, B, fanOut)
    return [tf.reshape(y, [x.shape[0], fanOut]), null]; // (B, fanOut)
  };
  return (x) => {
    const op = tf.customGrad((...args) => {
      const [xs, w, bias, save] = (dataInput ? [x, ...args] : args) as unknown as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
      const [y, sparse] = forward(xs, w, bias);
      // What the gradient reads (on wasm save() adds a reference, no copy). With data as input W is
      // not needed (no ∂x), and the forward's CSR of x spares the gradient finding it again.
      save(dataInput ? (sparse !== null ? [xs, y, sparse] : [xs, y]) : [xs, w, y]);
      return {
        value: y,
        gradFunc: (dy, saved) =>
          tf.tidy(() => {
            const [xt, wt, yt, sparseT] = (dataInput ? [saved[0], null, saved[1], saved[2]] : saved) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor | undefined];
            const g = activation === 'relu' ? (tf.mul(dy, tf.step(yt)) as tf.Tensor2D) : (dy as tf.Tensor2D); // ∂L/∂(x·W + b), (B, fanOut)
            if (onData()) return tf.engine().runKernel(DATA_DENSE_GRAD_W, sparseT !== undefined ? { x: xt, dy: g, sparse: sparseT } : { x: xt, dy: g }) as tf.Tensor[]; // ∂W (fanIn, fanOut), ∂b (fanOut)
            const dW = tf.matMul(xt, g, true, false); // (fanIn, fanOut)
            const db = tf.sum(g, 0) as tf.Tensor1D; // (fanOut)
            return dataInput ? [dW, db] : [tf.matMul(g, wt, false, true), dW, db]; // [∂x (B, fanIn),] ∂W, ∂b
          }),
      };
    });
    return (dataInput ? op(W, b) : op(x, W, b)) as tf.Tensor2D;
  };
}

/** BatchNorm settings (Keras defaults). */
export const BN_MOMENTUM = 0.99;
export const BN_EPSILON = 1e-3;

/** Options of a forward pass. */
export interface ApplyOptions {
  /** batch statistics in BatchNorm and dropout active */
  training: boolean;
  /** dropout rate in [0, 1) on hidden fully-connected activations (training only); 0 = none */
  dropout?: number;
  /** seed of this pass's dropout masks */
  seed?: number;
  /**
   * Called when a conv unit finishes its forward pass, and again when its gradient is done (training
   * only): a step of a conv net takes seconds on the CPU, and this is what its progress is made of.
   */
  onUnit?: (phase: 'forward' | 'backward') => void;
}

/** A conv unit's forward pass: x (B, H, W, cIn) → ReLU output (B, H/s, W/s, cOut). */
export type ConvUnit = (x: tf.Tensor4D, options: ApplyOptions) => tf.Tensor4D;

/**
 * Conv2D ('same', bias) → [BatchNorm] → ReLU as ONE differentiable op with a hand-written gradient.
 *
 * Why: tfjs's tape keeps every intermediate of a composite op until the whole backward pass ends —
 * the conv output, the bias sum, moments' x − μ and its square, the normalised tensor, the ReLU
 * output, and a gradient for each of them. For the small Inception at batch 128 on 28×28×3 that
 * exceeds the 4 GiB WebAssembly heap (the allocator then returns NULL and the run dies with "memory
 * access out of bounds"). As one op the unit keeps only x̂ (with BatchNorm; its output y
 * without) for the backward pass, and its input x, which the previous op keeps anyway.
 *
 * Training mode, with batch statistics over (B, H, W) (Ioffe & Szegedy 2015, Alg. 1 and §3):
 *   z = conv(x, W) + b,  μ = mean z,  σ² = mean (z − μ)²,  x̂ = (z − μ)/√(σ² + ε),  y = max(γ·x̂ + β, 0)
 * Backward, with g = dy·[y > 0] and m = B·H·W values per channel:
 *   ∂β = Σ g,  ∂γ = Σ g·x̂,  ∂z = (γ/√(σ² + ε))·(g − ∂β/m − x̂·∂γ/m),  ∂b = Σ ∂z,
 *   ∂W = conv2DBackpropFilter(x, ∂z),  ∂x = conv2DBackpropInput(∂z, W).
 * Without BatchNorm, ∂z = g. The running mean and variance are updated in place (momentum
 * {@link BN_MOMENTUM}); evaluation mode uses them. Checked against the same unit built from plain
 * tfjs ops (autodiff) in test/models/layers.test.ts.
 */
export function convUnit(store: ParamStore, name: string, k: number, cIn: number, cOut: number, options: { stride?: number; batchNorm: boolean; input?: LayerInput }): ConvUnit {
  const stride = options.stride ?? 1;
  // With data as input, x is not an input of the op (it is closed over): no ∂x is computed or returned.
  const dataInput = options.input === 'data';
  const W = store.glorot(`${name}/W`, [k, k, cIn, cOut], k * k * cIn, k * k * cOut) as tf.Tensor4D; // (k, k, cIn, cOut)
  const b = store.constant(`${name}/b`, 'weight', [cOut], 0) as tf.Tensor1D; // (cOut)
  if (!options.batchNorm) {
    const forward = (x: tf.Tensor4D, w: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D =>
      // The FusedConv2D kernel itself: tf.fused.conv2d falls back to conv2d + add + relu (three passes)
      // while gradients are recorded, and this op's gradient is written by hand below. (In evaluation
      // mode the kernel is called outside any custom op: tfjs has no gradient for it, so an
      // evaluation-mode pass cannot be differentiated — nothing here does.)
      tf.engine().runKernel('FusedConv2D', { x, filter: w, bias }, { strides: [stride, stride], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined, activation: 'relu' } as unknown as tf.NamedAttrMap) as tf.Tensor4D; // (B, H', W', cOut)
    return (x, options) => {
      if (!options.training) return forward(x, W, b);
      const unit = tf.customGrad((...args) => {
        const [xs, w, bias, save] = (dataInput ? [x, ...args] : args) as unknown as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.GradSaveFunc];
        const y = forward(xs, w, bias);
        save([xs, w, y]);
        return {
          value: y,
          gradFunc: (dy, saved) => {
            const grads = tf.tidy(() => {
              const [xt, wt, yt] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
              const dz = tf.mul(dy, tf.step(yt)) as tf.Tensor4D; // ReLU: pass where y > 0
              return convGrads(xt, wt, dz, stride, !dataInput);
            });
            options.onUnit?.('backward');
            return grads;
          },
        };
      });
      const y = (dataInput ? unit(W, b) : unit(x, W, b)) as tf.Tensor4D;
      options.onUnit?.('forward');
      return y;
    };
  }
  const gamma = store.constant(`${name}/bn/gamma`, 'bn', [cOut], 1) as tf.Tensor1D;
  const beta = store.constant(`${name}/bn/beta`, 'bn', [cOut], 0) as tf.Tensor1D;
  const movingMean = store.constant(`${name}/bn/moving_mean`, 'state', [cOut], 0);
  const movingVar = store.constant(`${name}/bn/moving_variance`, 'state', [cOut], 1);
  const unitFor = (options: ApplyOptions, data: tf.Tensor4D | null) => tf.customGrad((...args) => {
    const [x, w, bias, g, bt, save] = (data !== null ? [data, ...args] : args) as unknown as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const z = tf.fused.conv2d({ x, filter: w, bias, strides: stride, pad: 'same' }); // (B, H', W', cOut)
    const { y, xHat, mean, variance, invStd } = batchNormRelu(z, g, bt);
    movingMean.assign(tf.add(tf.mul(movingMean, BN_MOMENTUM), tf.mul(mean, 1 - BN_MOMENTUM)));
    movingVar.assign(tf.add(tf.mul(movingVar, BN_MOMENTUM), tf.mul(variance, 1 - BN_MOMENTUM)));
    // y is not saved: the ReLU's mask is recomputed from x̂, γ and β (the same arithmetic, so bit for bit),
    // which keeps one tensor per unit fewer alive through the backward pass.
    save([x, w, g, bt, xHat, invStd]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const grads = tf.tidy(() => {
          const [xs, ws, gs, bts, xh, is] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor4D, tf.Tensor1D];
          const { dz, dGamma, dBeta } = batchNormReluGrad(dy as tf.Tensor4D, xh, gs, bts, is);
          return [...convGrads(xs, ws, dz, stride, data === null), dGamma, dBeta];
        });
        options.onUnit?.('backward');
        return grads;
      },
    };
  });
  return (x, options) => {
    if (!options.training) {
      const z = tf.fused.conv2d({ x, filter: W, bias: b, strides: stride, pad: 'same' });
      return tf.relu(tf.batchNorm4d(z, movingMean as tf.Tensor1D, movingVar as tf.Tensor1D, beta, gamma, BN_EPSILON));
    }
    const y = (dataInput ? unitFor(options, x)(W, b, gamma, beta) : unitFor(options, null)(x, W, b, gamma, beta)) as tf.Tensor4D;
    options.onUnit?.('forward');
    return y;
  };
}

/**
 * Training-mode BatchNorm over (B, H, W) then ReLU: z (B, H, W, C), γ, β (C) → y, x̂ (B, H, W, C) and
 * μ, σ², invStd (C). One kernel on wasm ({@link BATCH_NORM_RELU}: three passes over z), tfjs ops
 * elsewhere — the same formulas (Ioffe & Szegedy 2015, Alg. 1).
 */
function batchNormRelu(z: tf.Tensor4D, g: tf.Tensor1D, bt: tf.Tensor1D): { y: tf.Tensor4D; xHat: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D; invStd: tf.Tensor1D } {
  if (getKernel(BATCH_NORM_RELU, tf.getBackend()) !== undefined) {
    const [y, xHat, mean, variance, invStd] = tf.engine().runKernel(BATCH_NORM_RELU, { x: z, gamma: g, beta: bt }, { epsilon: BN_EPSILON }) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    return { y, xHat, mean, variance, invStd };
  }
  const { mean, variance } = tf.moments(z, [0, 1, 2]) as { mean: tf.Tensor1D; variance: tf.Tensor1D }; // (C), (C)
  const invStd = tf.rsqrt(tf.add(variance, BN_EPSILON)) as tf.Tensor1D; // (C)
  const xHat = tf.mul(tf.sub(z, mean), invStd) as tf.Tensor4D; // (B, H, W, C)
  const y = tf.relu(tf.add(tf.mul(xHat, g), bt)) as tf.Tensor4D;
  return { y, xHat, mean, variance, invStd };
}

/**
 * Its gradient given dy: with g = dy·[γ·x̂ + β > 0] and m = B·H·W values per channel,
 * ∂β = Σ g, ∂γ = Σ g·x̂, ∂z = (γ·invStd)·(g − ∂β/m − x̂·∂γ/m). One kernel on wasm, tfjs ops elsewhere.
 */
function batchNormReluGrad(dy: tf.Tensor4D, xHat: tf.Tensor4D, g: tf.Tensor1D, bt: tf.Tensor1D, invStd: tf.Tensor1D): { dz: tf.Tensor4D; dGamma: tf.Tensor1D; dBeta: tf.Tensor1D } {
  if (getKernel(BATCH_NORM_RELU_GRAD, tf.getBackend()) !== undefined) {
    const [dz, dGamma, dBeta] = tf.engine().runKernel(BATCH_NORM_RELU_GRAD, { dy, xHat, gamma: g, beta: bt, invStd }, {}) as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    return { dz, dGamma, dBeta };
  }
  const [B, H, Wd] = xHat.shape;
  const m = B * H * Wd;
  const gr = tf.mul(dy, tf.step(tf.add(tf.mul(xHat, g), bt))); // (B, H, W, C): ReLU passes where γ·x̂ + β > 0
  const dBeta = tf.sum(gr, [0, 1, 2]) as tf.Tensor1D; // (C)
  const dGamma = tf.sum(tf.mul(gr, xHat), [0, 1, 2]) as tf.Tensor1D; // (C)
  const dz = tf.mul(tf.mul(g, invStd), tf.sub(tf.sub(gr, tf.div(dBeta, m)), tf.mul(xHat, tf.div(dGamma, m)))) as tf.Tensor4D;
  return { dz, dGamma, dBeta };
}

/** [∂x,] ∂W, ∂b of z = conv2d(x, W, stride, 'same') + b given ∂z (the kernels tfjs's own Conv2D gradient uses); ∂x only with `withInput`. */
function convGrads(x: tf.Tensor4D, W: tf.Tensor4D, dz: tf.Tensor4D, stride: number, withInput: boolean): tf.Tensor[] {
  const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dz }, { strides: stride, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: W.shape } as unknown as tf.NamedAttrMap) as tf.Tensor4D; // (k, k, cIn, cOut)
  const db = tf.sum(dz, [0, 1, 2]) as tf.Tensor1D; // (cOut)
  if (!withInput) return [dW, db];
  const dx = tf.conv2dTranspose(dz, W, x.shape, stride, 'same'); // Conv2DBackpropInput: (B, H, W, cIn)
  return [dx, dW, db];
}
