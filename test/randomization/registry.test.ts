/**
 * The randomizations of the registry: what each changes, and that it is fixed by the seed — every
 * entry is checked (a new entry is covered by the loop below); and the data layer's stratified subset.
 */
import { describe, expect, it } from 'vitest';
import { loadDataset, syntheticPoints } from '../../src/data/dataset.js';
import { RANDOMIZATIONS, RANDOMIZATION_SPECS, channelMoments, corruptLabels, parseRandomization, randomizePoints, type Points } from '../../src/randomization/registry.js';

const train = syntheticPoints(400, 784, 1, 'train');
const test = syntheticPoints(100, 784, 1, 'test');
const size = 784;
const image = (s: Points, i: number) => Array.from(s.values.subarray(i * size, (i + 1) * size));
const randomize = (a: Points, b: Points, id: (typeof RANDOMIZATIONS)[number], p: number | undefined, seed: number) => {
  const r = randomizePoints(a, b, id, p, seed);
  return { ...r, test: r.test as Points };
};
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
    expect(r.train.values).toBe(train.values);
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
    const a = channelMoments(train, 1);
    const b = channelMoments(r.train, 1);
    expect(b.mean[0]).toBeCloseTo(a.mean[0]!, 2);
    expect(b.std[0]! / a.std[0]!).toBeCloseTo(1, 2);
    expect(r.train.labels).toBe(train.labels);
    expect(image(r.train, 0)).not.toEqual(image(train, 0));
  });

  it('every entry of the registry: fixed by the seed, another seed another draw; labels kind keeps inputs, inputs kind keeps labels', () => {
    for (const id of RANDOMIZATIONS) {
      const spec = RANDOMIZATION_SPECS[id];
      const p = spec.takesP ? 0.5 : undefined;
      const a = randomize(train, test, id, p, 5);
      const b = randomize(train, test, id, p, 5);
      const c = randomize(train, test, id, p, 6);
      const key = (r: typeof a) => Array.from(r.train.labels).join() + image(r.train, 7).join() + image(r.test, 3).join();
      expect(key(b), id).toBe(key(a));
      if (id !== 'true-labels') expect(key(c), id).not.toBe(key(a));
      if (spec.kind === 'labels') {
        expect(a.train.values, id).toBe(train.values);
        if (id === 'random-signs') expect(a.test.classes, id).toBe(2); // two classes: the test labels are signs too
        else expect(a.test.labels, id).toBe(test.labels); // the test labels stay clean
      } else {
        expect(Array.from(a.train.labels), id).toEqual(Array.from(train.labels));
        expect(image(a.test, 0), id).not.toEqual(image(test, 0)); // test inputs transformed alike
      }
    }
  });

  it('random-signs: two classes, about half of each, drawn once from the seed for train and test', () => {
    const r = randomize(train, test, 'random-signs', undefined, 9);
    expect(r.train.classes).toBe(2);
    expect(new Set(Array.from(r.train.labels))).toEqual(new Set([0, 1]));
    const ones = Array.from(r.train.labels).filter((v) => v === 1).length / r.train.n;
    expect(Math.abs(ones - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / r.train.n));
    expect(r.train.values).toBe(train.values);
    expect(r.p).toBe(1);
    expect(r.labelsChanged).toBe(1); // every label replaced by a sign (another task), even where 0/1 matches the digit
  });

  it('unknown ids and a missing p are refused with the valid choices', () => {
    expect(() => parseRandomization('noise')).toThrow(/valid randomizations are true-labels, corrupt-labels, random-labels, random-signs, shuffled-pixels, random-pixels, gaussian/);
    expect(() => randomize(train, test, 'corrupt-labels', undefined, 1)).toThrow(/corrupt-labels needs --p/);
    expect(() => randomize(train, test, 'random-pixels', 0.3, 1)).toThrow(/--p is for --randomization corrupt-labels/);
  });
});

describe('stratified subset', () => {
  it('keeps each class\'s share, is seeded, keeps the original order, and names an n that is too large', () => {
    const full = loadDataset({ source: 'mnist', seed: 4, test: false });
    const counts = new Array<number>(10).fill(0);
    full.train.labels.forEach((c) => counts[c]!++);
    const s = loadDataset({ source: 'mnist', n: 600, seed: 4, test: false });
    const got = new Array<number>(10).fill(0);
    s.train.labels.forEach((c) => got[c]!++);
    got.forEach((g, k) => expect(Math.abs(g - (counts[k]! * 600) / 60000)).toBeLessThan(1));
    expect(Array.from(s.train.indices)).toEqual([...s.train.indices].sort((a, b) => a - b));
    expect(Array.from(loadDataset({ source: 'mnist', n: 600, seed: 4, test: false }).train.indices)).toEqual(Array.from(s.train.indices));
    expect(Array.from(loadDataset({ source: 'mnist', n: 600, seed: 5, test: false }).train.indices)).not.toEqual(Array.from(s.train.indices));
    expect(() => loadDataset({ source: 'mnist', n: 60001, seed: 1, test: false })).toThrow(/--n 60001: the mnist training split has 60000 points/);
  });
});
