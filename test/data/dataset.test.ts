/**
 * One data layer: the same source, subset, seed and randomization give the same points and labels
 * in every view and every command; subsets are stratified and seeded; randomizations apply once.
 */
import { describe, expect, test } from 'vitest';
import { loadDataset, syntheticPoints } from '../../src/data/dataset.js';
import { loadMnist } from '../../src/data/mnist.js';
import { attachSharedSource, shareDataset } from '../../src/data/shared.js';
import { main } from '../../src/cli/main.js';
import { memoryOutput } from '../../src/cli/output.js';

describe('loadDataset', () => {
  test('a stratified, seeded subset of MNIST: class shares kept, rows from the source, reproducible, another seed another subset', () => {
    const a = loadDataset({ source: 'mnist', n: 1000, seed: 1, test: false });
    const b = loadDataset({ source: 'mnist', n: 1000, seed: 1, test: false });
    const c = loadDataset({ source: 'mnist', n: 1000, seed: 2, test: false });
    expect(Array.from(a.train.indices)).toEqual(Array.from(b.train.indices));
    expect(Array.from(a.train.indices)).not.toEqual(Array.from(c.train.indices));
    const raw = loadMnist('train');
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < raw.n; i++) counts[raw.labels[i]!]! += 1;
    const got = new Array<number>(10).fill(0);
    a.train.indices.forEach((src, r) => {
      expect(a.train.labels[r]).toBe(raw.labels[src]); // labels follow their rows
      got[a.train.labels[r]!]! += 1;
    });
    got.forEach((g, k) => expect(Math.abs(g - (counts[k]! * 1000) / raw.n)).toBeLessThan(1)); // largest remainders
    // The views hold the same points: raw pixels in the matrix, pixels/255 in the unit matrix, standardized images.
    const i = 17;
    const src = a.train.indices[i]!;
    const X = a.matrix('train');
    const U = a.matrix('train', { unit: true });
    const img = a.images('train');
    for (const j of [0, 300, 400, 783]) {
      expect(X.data[i * 784 + j]).toBe(raw.images[src * 784 + j]);
      expect(U.data[i * 784 + j]).toBe(raw.images[src * 784 + j]! / 255);
    }
    const standardized = Array.from(img.images.subarray(i * 784, (i + 1) * 784));
    const back = standardized.map((v) => v); // monotone in the raw pixel: the same ordering of pixels
    const order = (v: number[]) => v.map((x, j) => [x, j] as const).sort((p, q) => p[0] - q[0] || p[1] - q[1]).map((p) => p[1]);
    expect(order(back)).toEqual(order(Array.from(X.data.subarray(i * 784, (i + 1) * 784))));
  });

  test('randomizations are applied once and seen alike by every view', () => {
    const ds = loadDataset({ source: 'synthetic', n: 200, testN: 50, seed: 3, randomization: 'shuffled-pixels' });
    const clean = loadDataset({ source: 'synthetic', n: 200, testN: 50, seed: 3 });
    expect(ds.p).toBeNull();
    // One permutation for train and test: the multiset of each image's pixels is kept, their positions are not.
    for (const split of ['train', 'test'] as const) {
      const a = ds.matrix(split);
      const b = clean.matrix(split);
      expect(Array.from(a.data.subarray(0, 784)).sort()).toEqual(Array.from(b.data.subarray(0, 784)).sort());
      expect(Array.from(a.data.subarray(0, 784))).not.toEqual(Array.from(b.data.subarray(0, 784)));
      expect(Array.from(ds.images(split).images.subarray(0, 784))).toEqual(Array.from(a.data.subarray(0, 784), Math.fround));
    }
    const noisy = loadDataset({ source: 'mnist', n: 500, seed: 3, randomization: 'corrupt-labels', p: 0.5, test: false });
    expect(noisy.labelsChanged).toBeGreaterThan(0.35);
    expect(noisy.labelsChanged).toBeLessThan(0.55);
    expect(Array.from(noisy.images('train').labels)).toEqual(Array.from(noisy.train.labels));
  });

  test('the whole test split\'s images are made once per process and shared by the runs that leave them as they are; the others get their own', () => {
    const clean = loadDataset({ source: 'mnist', n: 50, seed: 1 }).images('test');
    const random = loadDataset({ source: 'mnist', n: 50, seed: 2, randomization: 'random-labels' }).images('test');
    const shuffled = loadDataset({ source: 'mnist', n: 50, seed: 2, randomization: 'shuffled-pixels' }).images('test');
    expect(random.images).toBe(clean.images); // one array: random labels change training labels only
    expect(Array.from(random.labels)).toEqual(Array.from(clean.labels));
    expect(shuffled.images).not.toBe(clean.images);
    expect(Array.from(shuffled.images.subarray(0, 784)).sort()).toEqual(Array.from(clean.images.subarray(0, 784)).sort()); // its pixels, moved
    // What is shared is the standardized pixels: (x/255 − μ)/σ with the training split's moments.
    const raw = loadMnist('test');
    for (const t of [0, 150, 157_000, 7_839_999]) expect(Math.abs(clean.images[t]! - (raw.images[t]! / 255 - 0.1307) / 0.3081)).toBeLessThan(1e-3); // MNIST's moments ≈ 0.1307, 0.3081
  });

  test('in a worker each job posts the shared source anew (new objects, same memory): the one attached stays, so the test split\'s images are found again', () => {
    const shared = shareDataset('mnist');
    attachSharedSource(structuredClone(shared)); // what a job of the pool receives
    const a = loadDataset({ source: 'mnist', n: 50, seed: 1 }).images('test');
    attachSharedSource(structuredClone(shared)); // the next job
    const b = loadDataset({ source: 'mnist', n: 50, seed: 2, randomization: 'random-labels' }).images('test');
    expect(b.images).toBe(a.images);
  });

  test('synthetic points: the first n do not depend on how many are drawn; centres shared by both splits', () => {
    const a = syntheticPoints(30, 5, 9, 'train');
    const b = syntheticPoints(60, 5, 9, 'train');
    expect(Array.from(b.values.subarray(0, 150))).toEqual(Array.from(a.values));
    expect(Array.from(a.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(syntheticPoints(10, 784, 9, 'train').shape).toEqual([28, 28, 1]);
    expect(syntheticPoints(10, 5, 9, 'train').shape).toBeNull();
  });

  test('bad requests are named: n above the split, input randomizations on a table, --d on MNIST', () => {
    expect(() => loadDataset({ source: 'mnist', n: 60001, seed: 1, test: false })).toThrow(/--n 60001: the mnist training split has 60000 points; choose 1 … 60000 or all/);
    expect(() => loadDataset({ source: 'synthetic', d: 5, seed: 1, randomization: 'random-pixels' })).toThrow(/needs image data/);
    expect(() => loadDataset({ source: 'mnist', d: 5, seed: 1 })).toThrow(/--d applies to synthetic data only/);
    expect(() => loadDataset({ source: 'elsewhere', seed: 1 })).toThrow(/is not mnist, cifar10, synthetic or a .csv file/);
  });
});

describe('the same flags select the same images in every command', () => {
  test('expressivity, kernel and fit see the same 120 MNIST images and labels for --n 120 --seed 5 (the same data fingerprint)', async () => {
    const run = async (args: string[]) => {
      const out = memoryOutput();
      expect(await main([...args, '--json'], out)).toBe(0);
      return out.jsons[0] as Record<string, unknown>;
    };
    const e = await run(['expressivity', '--data', 'mnist', '--n', '120', '--seed', '5']);
    const k = await run(['kernel', '--n', '120', '--test-n', '100', '--seed', '5']);
    const f = await run(['fit', '--data', 'mnist', '--n', '120', '--test-n', '100', '--epochs', '1', '--backend', 'wasm', '--seed', '5']);
    expect(typeof e.dataFingerprint).toBe('string');
    expect([k.dataFingerprint, f.dataFingerprint]).toEqual([e.dataFingerprint, e.dataFingerprint]);
    expect(e.dataFingerprint).toBe(loadDataset({ source: 'mnist', n: 120, seed: 5, test: false }).fingerprint);
    // Another seed: another subset; random labels: other labels.
    const other = await run(['expressivity', '--data', 'mnist', '--n', '120', '--seed', '6']);
    const random = await run(['expressivity', '--data', 'mnist', '--n', '120', '--seed', '5', '--randomization', 'random-labels']);
    expect(new Set([e.dataFingerprint, other.dataFingerprint, random.dataFingerprint]).size).toBe(3);
  });
});
