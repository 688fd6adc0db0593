/**
 * The conv unit (conv → bias → [BatchNorm] → ReLU as one op with a hand-written gradient) against
 * the same unit written with plain tfjs ops and differentiated by tfjs's autodiff: outputs, every
 * gradient (x, W, b, γ, β) and the running statistics, on the cpu and wasm backends.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../../src/engine/backend.js';
import { BN_EPSILON, BN_MOMENTUM, ParamStore, convUnit, dense, type LayerInput } from '../../src/models/layers.js';
import { Rng } from '../../src/random/rng.js';
import { maxRelErr } from '../helpers/numbers.js';

beforeAll(async () => {
  await startBackend('cpu');
  await startBackend('wasm');
});

/** The unit from plain ops, on the store's variables (W, b, γ, β in creation order). */
function plainUnit(store: ParamStore, stride: number, bn: boolean, x: tf.Tensor4D): tf.Tensor4D {
  const v = store.params.map((p) => p.variable);
  const [W, b, gamma, beta, movingMean, movingVar] = v as [tf.Variable, tf.Variable, tf.Variable?, tf.Variable?, tf.Variable?, tf.Variable?];
  const z = tf.add(tf.conv2d(x, W as tf.Tensor4D, stride, 'same'), b) as tf.Tensor4D;
  if (!bn) return tf.relu(z);
  const { mean, variance } = tf.moments(z, [0, 1, 2]);
  movingMean!.assign(tf.add(tf.mul(movingMean!, BN_MOMENTUM), tf.mul(mean, 1 - BN_MOMENTUM)));
  movingVar!.assign(tf.add(tf.mul(movingVar!, BN_MOMENTUM), tf.mul(variance, 1 - BN_MOMENTUM)));
  return tf.relu(tf.batchNorm4d(z, mean as tf.Tensor1D, variance as tf.Tensor1D, beta as tf.Tensor1D, gamma as tf.Tensor1D, BN_EPSILON));
}

interface Outcome {
  y: Float32Array;
  grads: Float32Array[];
  state: Float32Array[];
}

/** y, the gradients of Σ y·r (r fixed random) w.r.t. x and every trainable parameter, and the running statistics after one pass. */
function run(backend: 'cpu' | 'wasm', fused: boolean, xShape: [number, number, number, number], k: number, cOut: number, stride: number, bn: boolean): Outcome {
  tf.setBackend(backend);
  const store = new ParamStore(new Rng(3));
  const unit = convUnit(store, 'u', k, xShape[3], cOut, { stride, batchNorm: bn });
  // Non-trivial γ and β (they start at 1 and 0).
  for (const p of store.params) if (p.kind === 'bn') p.variable.assign(tf.randomUniform(p.variable.shape, 0.5, 1.5, 'float32', p.name.length));
  const rng = new Rng(17);
  const x = tf.tensor4d(Float32Array.from({ length: xShape.reduce((a, c) => a * c, 1) }, () => rng.gaussian()), xShape);
  const f = (xi: tf.Tensor4D): tf.Tensor4D => (fused ? unit(xi, { training: true }) : plainUnit(store, stride, bn, xi));
  const yShape = tf.tidy(() => f(x).shape);
  // The probe pass above moved the running statistics: reset them so both paths start alike.
  for (const p of store.params) if (p.kind === 'state') p.variable.assign(tf.fill(p.variable.shape, p.name.endsWith('variance') ? 1 : 0));
  const r = tf.tensor(Float32Array.from({ length: yShape.reduce((a, c) => a * c, 1) }, () => rng.gaussian()), yShape);
  const trainable = store.params.filter((p) => p.kind !== 'state').map((p) => p.variable);
  const out = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(x), r)) as tf.Scalar, trainable);
    const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(f(xi as tf.Tensor4D), r)))(x);
    value.dispose();
    return { grads: [dx, ...trainable.map((v) => grads[v.name]!)].map((g) => g.dataSync() as Float32Array) };
  });
  // The gradient passes above each moved the statistics twice more; record them after the last.
  const state = store.params.filter((p) => p.kind === 'state').map((p) => p.variable.dataSync() as Float32Array);
  const y = tf.tidy(() => f(x).dataSync() as Float32Array);
  store.dispose();
  x.dispose();
  r.dispose();
  return { y, grads: out.grads, state };
}

describe('conv unit: one op with a hand-written gradient = the plain-op unit under autodiff', () => {
  const cases: [string, [number, number, number, number], number, number, number, boolean][] = [
    ['3×3, BatchNorm', [3, 6, 6, 4], 3, 5, 1, true],
    ['3×3 stride 2, BatchNorm (Downsample)', [2, 7, 7, 3], 3, 4, 2, true],
    ['1×1, BatchNorm', [4, 5, 5, 6], 1, 3, 1, true],
    ['5×5, no BatchNorm (AlexNet)', [2, 9, 9, 3], 5, 4, 1, false],
    ['3×3 stride 2, no BatchNorm', [3, 8, 8, 2], 3, 3, 2, false],
  ];
  for (const backend of ['cpu', 'wasm'] as const) {
    it.each(cases)(`${backend}: %s`, (_name, xShape, k, cOut, stride, bn) => {
      const ours = run(backend, true, xShape, k, cOut, stride, bn);
      const ref = run('cpu', false, xShape, k, cOut, stride, bn);
      expect(maxRelErr(ours.y, ref.y)).toBeLessThan(1e-5);
      expect(ours.grads.length).toBe(bn ? 5 : 3); // x, W, b (, γ, β)
      ours.grads.forEach((g, i) => {
        // ∂b under BatchNorm is 0 up to rounding (BN removes the mean): compare on the scale of ∂W.
        const err = bn && i === 2 ? Math.max(...g.map(Math.abs)) / Math.max(...ref.grads[1]!.map(Math.abs)) : maxRelErr(g, ref.grads[i]!);
        expect(err, `gradient ${['x', 'W', 'b', 'γ', 'β'][i]}`).toBeLessThan(1e-4);
      });
      ours.state.forEach((s, i) => expect(maxRelErr(s, ref.state[i]!)).toBeLessThan(1e-5));
    });
  }

  it('evaluation mode uses the running statistics, not the batch', () => {
    tf.setBackend('cpu');
    const store = new ParamStore(new Rng(1));
    const unit = convUnit(store, 'u', 3, 2, 3, { batchNorm: true });
    const x = tf.randomNormal([2, 4, 4, 2], 5, 1, 'float32', 2) as tf.Tensor4D; // mean 5: far from the running mean 0
    const before = store.params.filter((p) => p.kind === 'state').map((p) => Array.from(p.variable.dataSync()));
    const yEval = unit(x, { training: false });
    const yTrain = unit(x, { training: true });
    // Training mode centres each channel (about half the ReLU outputs are 0); evaluation with the
    // initial statistics (mean 0, variance 1) passes the raw conv output through.
    expect(maxRelErr(yEval.dataSync() as Float32Array, yTrain.dataSync() as Float32Array)).toBeGreaterThan(0.1);
    const after = store.params.filter((p) => p.kind === 'state').map((p) => Array.from(p.variable.dataSync()));
    expect(after).not.toEqual(before); // only the training pass moved them
    tf.dispose([x, yEval, yTrain]);
    store.dispose();
  });

  it('reports each unit\'s forward and backward pass', () => {
    tf.setBackend('cpu');
    const store = new ParamStore(new Rng(1));
    const unit = convUnit(store, 'u', 3, 2, 3, { batchNorm: true });
    const phases: string[] = [];
    const x = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
    const g = tf.tidy(() => tf.variableGrads(() => tf.sum(unit(x, { training: true, onUnit: (p) => phases.push(p) })) as tf.Scalar));
    expect(phases).toEqual(['forward', 'backward']);
    tf.dispose([x, g.value, ...Object.values(g.grads)]);
    store.dispose();
  });
});

describe('layers on data: the parameters\' gradients without an input gradient', () => {
  /** Gradients of Σ y·r w.r.t. the store's trainable variables, and whether a gradient w.r.t. the input exists. */
  function paramGrads(backend: 'cpu' | 'wasm', make: (store: ParamStore, input: LayerInput) => (x: tf.Tensor) => tf.Tensor, xShape: number[], input: LayerInput, background = false): { grads: Float32Array[]; inputGradient: boolean } {
    tf.setBackend(backend);
    const store = new ParamStore(new Rng(5));
    const layer = make(store, input);
    const rng = new Rng(23);
    // background: MNIST-like, every entry −0.42 but a sixth (the dense layer's sparse path on wasm)
    const x = tf.tensor(Float32Array.from({ length: xShape.reduce((a, c) => a * c, 1) }, (_, i) => (!background ? rng.gaussian() : i % 6 === 1 ? 1 + rng.uniform() : -0.42)), xShape);
    const yShape = tf.tidy(() => layer(x).shape);
    const r = tf.tensor(Float32Array.from({ length: yShape.reduce((a, c) => a * c, 1) }, () => rng.gaussian()), yShape);
    const trainable = store.trainable();
    const grads = tf.tidy(() => {
      const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.mul(layer(x), r)) as tf.Scalar, trainable);
      value.dispose();
      return trainable.map((v) => g[v.name]!.dataSync() as Float32Array);
    });
    let inputGradient = true;
    try {
      tf.tidy(() => tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(layer(xi), r)))(x));
    } catch (err) {
      expect((err as Error).message).toMatch(/Cannot compute gradient of y=f\(x\) with respect to x/); // y does not depend on x through any recorded op
      inputGradient = false;
    }
    store.dispose();
    x.dispose();
    r.dispose();
    return { grads, inputGradient };
  }

  const conv = (bn: boolean) => (store: ParamStore, input: LayerInput) => {
    const unit = convUnit(store, 'u', 3, 3, 4, { batchNorm: bn, input });
    return (x: tf.Tensor) => unit(x as tf.Tensor4D, { training: true });
  };
  const denseLayer = (activation: 'linear' | 'relu') => (store: ParamStore, input: LayerInput) => {
    const layer = dense(store, 'd', 6, 5, { activation, input });
    return (x: tf.Tensor) => layer(x as tf.Tensor2D);
  };
  const cases: [string, (store: ParamStore, input: LayerInput) => (x: tf.Tensor) => tf.Tensor, number[], boolean][] = [
    ['conv unit with BatchNorm', conv(true), [2, 5, 5, 3], false],
    ['conv unit without BatchNorm', conv(false), [2, 5, 5, 3], false],
    ['dense, ReLU', denseLayer('relu'), [7, 6], false],
    ['dense, linear', denseLayer('linear'), [7, 6], false],
    ['dense, ReLU, x mostly one value (sparse products on wasm)', denseLayer('relu'), [7, 6], true],
    ['dense, linear, x mostly one value (sparse products on wasm)', denseLayer('linear'), [7, 6], true],
  ];
  for (const backend of ['cpu', 'wasm'] as const) {
    it.each(cases)(`${backend}: %s`, (_name, make, xShape, background) => {
      const onData = paramGrads(backend, make, xShape, 'data', background);
      const onActivations = paramGrads(backend, make, xShape, 'activations', background);
      expect(onData.inputGradient).toBe(false);
      expect(onActivations.inputGradient).toBe(true);
      expect(onData.grads.length).toBe(onActivations.grads.length);
      onData.grads.forEach((g, i) => expect(maxRelErr(g, onActivations.grads[i]!)).toBeLessThan(1e-6));
    });
  }
});

describe('dense on data keeps what its gradient needs', () => {
  it.each(['cpu', 'wasm'] as const)('%s: an input made and freed inside the loss function (a tidy) still gives ∂W and ∂b', (backend) => {
    tf.setBackend(backend);
    const store = new ParamStore(new Rng(4));
    const layer = dense(store, 'd', 6, 5, { activation: 'relu', input: 'data' });
    const x = tf.tensor2d(Float32Array.from({ length: 42 }, (_, i) => (i % 6 === 1 ? 1 + i / 42 : -0.42)), [7, 6]);
    const trainable = store.trainable();
    const grads = tf.tidy(() => {
      const { value, grads: g } = tf.variableGrads(() => tf.tidy(() => tf.sum(layer(tf.mul(x, 1) as tf.Tensor2D))) as tf.Scalar, trainable);
      value.dispose();
      return trainable.map((v) => g[v.name]!.dataSync() as Float32Array);
    });
    expect(grads.map((g) => g.length)).toEqual([30, 5]);
    expect(grads.every((g) => g.every(Number.isFinite))).toBe(true);
    store.dispose();
    x.dispose();
  });
});

describe('dense: one fused op with a hand-written gradient = matMul, add and ReLU under autodiff', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const activation of ['relu', 'linear'] as const) {
      it(`${backend}, ${activation}: output and the gradients w.r.t. x, W and b`, () => {
        tf.setBackend(backend);
        const store = new ParamStore(new Rng(8));
        const layer = dense(store, 'd', 9, 6, { activation });
        const [W, b] = store.trainable() as [tf.Variable, tf.Variable];
        b.assign(tf.randomNormal([6], 0, 1, 'float32', 3)); // a non-zero bias moves the ReLU's kink
        const plain = (x: tf.Tensor2D): tf.Tensor2D => {
          const z = tf.add(tf.matMul(x, W), b) as tf.Tensor2D;
          return activation === 'relu' ? tf.relu(z) : z;
        };
        const rng = new Rng(29);
        const x = tf.tensor2d(Float32Array.from({ length: 5 * 9 }, () => rng.gaussian()), [5, 9]);
        const r = tf.tensor2d(Float32Array.from({ length: 5 * 6 }, () => rng.gaussian()), [5, 6]);
        const outcome = (f: (x: tf.Tensor2D) => tf.Tensor2D): Float32Array[] =>
          tf.tidy(() => {
            const loss = (xi: tf.Tensor2D): tf.Scalar => tf.sum(tf.mul(f(xi), r));
            const { value, grads } = tf.variableGrads(() => loss(x), [W, b]);
            value.dispose();
            const dx = tf.grad((xi: tf.Tensor) => loss(xi as tf.Tensor2D))(x);
            return [f(x), dx, grads[W.name]!, grads[b.name]!].map((t) => t.dataSync() as Float32Array);
          });
        const ours = outcome(layer);
        const ref = outcome(plain);
        ours.forEach((v, i) => expect(maxRelErr(v, ref[i]!), ['y', 'x', 'W', 'b'][i]).toBeLessThan(1e-5));
        store.dispose();
      });
    }
  }
});

describe('the fused forward passes run fused while gradients are recorded', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: a ReLU dense layer's forward pass is one _FusedMatMul (no separate Add or Relu), and a conv unit's one FusedConv2D`, async () => {
      tf.setBackend(backend);
      const store = new ParamStore(new Rng(6));
      const layer = dense(store, 'd', 8, 5, { activation: 'relu' });
      const unit = convUnit(store, 'u', 3, 2, 4, { batchNorm: false });
      const x2 = tf.randomNormal([4, 8], 0, 1, 'float32', 1) as tf.Tensor2D;
      const x4 = tf.randomNormal([2, 5, 5, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
      const kernels = async (f: () => tf.Tensor): Promise<string[]> => {
        const p = await tf.profile(() => {
          const { value, grads } = tf.variableGrads(() => tf.sum(f()) as tf.Scalar, store.trainable());
          tf.dispose([value, ...Object.values(grads)]);
        });
        return p.kernels.map((k) => k.name);
      };
      const dk = await kernels(() => layer(x2));
      expect(dk).toContain('_FusedMatMul');
      expect(dk).not.toContain('Relu');
      expect(dk).not.toContain('Add');
      const ck = await kernels(() => unit(x4, { training: true }));
      expect(ck).toContain('FusedConv2D');
      expect(ck).not.toContain('Relu');
      tf.dispose([x2, x4]);
      store.dispose();
    });
  }
});
