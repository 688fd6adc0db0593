/** The six randomizations and the stratified subset: what each changes, and that it is fixed by the seed. */
import { describe, expect, it } from 'vitest';
import { pick, subset, syntheticImages, type ImageSet } from '../../src/data/images.js';
import { channelMoments, corruptLabels, parseRandomization, randomize } from '../../src/randomization/images.js';

const train = syntheticImages(400, 1);
const test = syntheticImages(100, 2);
const size = 784;
const image = (s: ImageSet, i: number) => Array.from(s.images.subarray(i * size, (i + 1) * size));
const sorted = (v: number[]) => v.slice().sort((a, b) => a - b);

describe('randomizations', () => {
  it('corrupt-labels changes about (1 − 1/k)·p of the labels, reports the measured fraction, and is fixed by the seed', () => {
    for (const p of [0, 0.2, 0.5, 1]) {
      const labels = new Uint8Array(20_000).map((_, i) => i % 10);
      const { labels: out, changed } = corruptLabels(labels, p, 10, 7);
      const measured = out.reduce((s, v, i) => s + (v !== labels[i] ? 1 : 0), 0) / labels.length;
      expect(changed).toBe(measured);
      expect(Math.abs(changed - 0.9 * p)).toBeLessThan(0.015); // 4.5 standard errors at most
      expect(Array.from(corruptLabels(labels, p, 10, 7).labels)).toEqual(Array.from(out));
    }
    expect(() => corruptLabels(new Uint8Array(3), 1.5, 10, 1)).toThrow(/--p 1.5: the corruption probability must be in \[0, 1\]/);
  });

  it('label randomizations leave the images and the test set untouched', () => {
    const r = randomize(train, test, 'random-labels', undefined, 3);
    expect(r.train.images).toBe(train.images);
    expect(r.test).toBe(test);
    expect(r.p).toBe(1);
  });

  it('shuffled pixels: ONE permutation, the same for every training and test image', () => {
    const r = randomize(train, test, 'shuffled-pixels', undefined, 3);
    // Recover π from image 0 (synthetic pixels are distinct with probability 1) and check it on others.
    const x0 = image(train, 0);
    const y0 = image(r.train, 0);
    const pi = y0.map((v) => x0.indexOf(v));
    expect(new Set(pi).size).toBe(size);
    expect(pi.some((v, q) => v !== q)).toBe(true);
    for (const [src, dst, i] of [[train, r.train, 123], [test, r.test, 5]] as const) {
      const x = image(src, i);
      expect(image(dst, i)).toEqual(pi.map((from) => x[from]));
    }
  });

  it('random pixels: each image a permutation of itself, and different images get different permutations', () => {
    const r = randomize(train, test, 'random-pixels', undefined, 3);
    const perms: string[] = [];
    for (const i of [0, 1, 2]) {
      const x = image(train, i);
      const y = image(r.train, i);
      expect(sorted(y)).toEqual(sorted(x));
      perms.push(y.map((v) => x.indexOf(v)).join(','));
    }
    expect(new Set(perms).size).toBe(3);
    expect(sorted(image(r.test, 0))).toEqual(sorted(image(test, 0)));
  });

  it('gaussian: inputs with the data set\'s mean and deviation, labels kept', () => {
    const r = randomize(train, test, 'gaussian', undefined, 3);
    const a = channelMoments(train);
    const b = channelMoments(r.train);
    expect(b.mean[0]).toBeCloseTo(a.mean[0]!, 2);
    expect(b.std[0]! / a.std[0]!).toBeCloseTo(1, 2);
    expect(r.train.labels).toBe(train.labels);
    expect(image(r.train, 0)).not.toEqual(image(train, 0));
  });

  it('every randomization is the same for the same seed and differs for another', () => {
    for (const id of ['random-labels', 'shuffled-pixels', 'random-pixels', 'gaussian'] as const) {
      const a = randomize(train, test, id, undefined, 5);
      const b = randomize(train, test, id, undefined, 5);
      const c = randomize(train, test, id, undefined, 6);
      const key = (r: typeof a) => Array.from(r.train.labels).join() + image(r.train, 7).join();
      expect(key(b)).toBe(key(a));
      expect(key(c)).not.toBe(key(a));
    }
  });

  it('unknown ids and a missing p are refused with the valid choices', () => {
    expect(() => parseRandomization('noise')).toThrow(/valid randomizations are true-labels, corrupt-labels, random-labels, shuffled-pixels, random-pixels, gaussian/);
    expect(() => randomize(train, test, 'corrupt-labels', undefined, 1)).toThrow(/corrupt-labels needs --p/);
  });
});

describe('stratified subset', () => {
  it('keeps each class\'s share, is seeded, and keeps the original order', () => {
    const labels = new Uint8Array(1000).map((_, i) => (i < 500 ? 0 : i < 800 ? 1 : 2));
    const set: ImageSet = { ...pick(train, Array.from({ length: 1000 }, (_, i) => i % 400)), labels, classes: 3 };
    const s = subset(set, 100, 4);
    const counts = [0, 0, 0];
    s.labels.forEach((c) => counts[c]!++);
    expect(counts).toEqual([50, 30, 20]);
    expect(Array.from(subset(set, 100, 4).images.subarray(0, 50))).toEqual(Array.from(s.images.subarray(0, 50)));
    expect(Array.from(subset(set, 100, 5).labels)).toEqual(Array.from(s.labels)); // same shares
    expect(() => subset(set, 1001, 1)).toThrow(/--n 1001: the training split has 1000 images/);
  });
});
