import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../../src/engine/backend.js';
import { MODELS, MODEL_IDS, buildModel, parseModelId, type InputShape, type ModelId } from '../../src/models/zoo.js';

beforeAll(async () => {
  await startBackend('wasm');
});

describe('the paper\'s models', () => {
  // Zhang et al. 2017, Appendix A and Table 1 (CIFAR-10 cropped to 28×28×3), and the MNIST MLPs.
  const expected: [ModelId, InputShape, number][] = [
    ['mlp-1x512', [28, 28, 3], 1_209_866],
    ['mlp-3x512', [28, 28, 3], 1_735_178],
    ['small-alexnet', [28, 28, 3], 1_387_786],
    ['small-inception', [28, 28, 3], 1_649_402],
    ['small-inception-no-bn', [28, 28, 3], 1_649_402],
    ['mlp-1x512', [28, 28, 1], 407_050],
    ['mlp-3x512', [28, 28, 1], 932_362],
  ];
  it.each(expected)('%s on %j has the paper\'s parameter count %i', (id, shape, count) => {
    const m = buildModel(id, shape, { seed: 1 });
    try {
      expect(m.parameterCount).toBe(count);
    } finally {
      m.dispose();
    }
  });

  it('the table above covers every model of the registry (a new entry needs its count here)', () => {
    expect(new Set(expected.filter(([, shape]) => shape[2] === 3).map(([id]) => id))).toEqual(new Set(MODEL_IDS));
  });

  it('multiply-adds from the registry: the MLPs\' equal their kernel sizes; every model\'s is at least its parameter count (minus biases)', () => {
    for (const id of MODEL_IDS) {
      const m = buildModel(id, [28, 28, 3], { seed: 1 });
      const kernels = m.store.params.filter((p) => p.name.endsWith('/W')).reduce((s, p) => s + p.variable.size, 0);
      const macs = m.spec.macsPerExample([28, 28, 3], 10);
      if (id.startsWith('mlp')) expect(macs, id).toBe(kernels);
      else expect(macs, id).toBeGreaterThan(kernels); // conv kernels are applied at every position
      m.dispose();
    }
    // Hand counts: AlexNet conv1 28·28·25·3·64 + conv2 14·14·25·64·64 + FC 7·7·64·384 + 384·192 + 192·10.
    expect(MODELS['small-alexnet'].macsPerExample([28, 28, 3], 10)).toBe(28 * 28 * 25 * 3 * 64 + 14 * 14 * 25 * 64 * 64 + 7 * 7 * 64 * 384 + 384 * 192 + 192 * 10);
  });

  it('only the Inception with BatchNorm has BN parameters (γ, β per conv channel)', () => {
    for (const id of MODEL_IDS) {
      const m = buildModel(id, [28, 28, 3], { seed: 1 });
      const bnSizes = m.store.params.filter((p) => p.kind === 'bn').length;
      expect(m.bnParameterCount > 0).toBe(id === 'small-inception');
      expect(bnSizes % 2).toBe(0);
      m.dispose();
    }
  });

  it.each(MODEL_IDS.map((id) => [id]))('%s maps a (B, 28, 28, 3) batch to (B, 10) finite logits, in both modes', (id) => {
    const m = buildModel(id, [28, 28, 3], { seed: 2 });
    const x = tf.randomNormal([3, 28, 28, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    for (const training of [false, true]) {
      const y = m.apply(x, { training });
      expect(y.shape).toEqual([3, 10]);
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
      y.dispose();
    }
    x.dispose();
    m.dispose();
  });

  it('initial weights depend on the seed only', () => {
    const a = buildModel('mlp-1x512', [28, 28, 1], { seed: 7 });
    const b = buildModel('mlp-1x512', [28, 28, 1], { seed: 7 });
    const c = buildModel('mlp-1x512', [28, 28, 1], { seed: 8 });
    const w = (m: typeof a) => m.store.params[0]!.variable.dataSync();
    expect(Array.from(w(a))).toEqual(Array.from(w(b)));
    expect(Array.from(w(a))).not.toEqual(Array.from(w(c)));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('unknown model ids list the valid ones', () => {
    expect(() => parseModelId('resnet')).toThrow(/unknown model 'resnet': valid models are mlp-1x512, mlp-3x512, small-alexnet/);
  });
});
