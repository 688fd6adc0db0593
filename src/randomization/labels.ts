import { InputError } from '../errors.js';
import { Rng } from '../random/rng.js';
import { corruptLabels } from './images.js';
import type { LabelRandomizationId } from './names.js';

/**
 * Random labels (the paper's §2.1 randomization with p = 1): each label drawn uniformly from the k
 * classes, once, from its own seeded stream.
 *
 * @param n - how many labels
 * @param k - number of classes
 * @param seed - the run's seed (the stream is `fork('labels')` of it)
 * @example
 * randomLabels(5, 10, 42); // the same five digits on every machine
 */
export function randomLabels(n: number, k: number, seed: number): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new InputError(`random labels: k must be a positive integer, got ${k}`);
  const rng = new Rng(seed).fork('labels');
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.int(k);
  return y;
}

/**
 * A label randomization of §2.1 applied to class labels 0 … k−1: `true-labels` keeps them,
 * `corrupt-labels` replaces each with probability p by a uniform class, `random-labels` draws every
 * label uniformly ({@link randomLabels}). Seeded; the measured fraction of changed labels is returned.
 *
 * @example
 * randomizeLabels(Float64Array.from([0, 1, 2]), 10, 'corrupt-labels', 0.5, 1).labelsChanged; // about 0.45
 */
export function randomizeLabels(y: Float64Array, k: number, randomization: LabelRandomizationId, p: number | undefined, seed: number): { y: Float64Array; p: number; labelsChanged: number } {
  if (randomization === 'corrupt-labels' && p === undefined) throw new InputError('--randomization corrupt-labels needs --p, the corruption probability in [0, 1]');
  if (randomization !== 'corrupt-labels' && p !== undefined) throw new InputError(`--p is for --randomization corrupt-labels (got ${randomization})`);
  for (let i = 0; i < y.length; i++) {
    if (!Number.isInteger(y[i]) || (y[i] as number) < 0 || (y[i] as number) >= k) throw new InputError(`--randomization ${randomization} needs class labels 0 … ${k - 1}; label ${i + 1} (1-based) is ${y[i]}`);
  }
  const changedFraction = (out: Float64Array): number => (y.length === 0 ? 0 : out.reduce((c, v, i) => c + (v !== y[i] ? 1 : 0), 0) / y.length);
  if (randomization === 'true-labels') return { y, p: 0, labelsChanged: 0 };
  if (randomization === 'random-labels') {
    const out = randomLabels(y.length, k, seed);
    return { y: out, p: 1, labelsChanged: changedFraction(out) };
  }
  const out = corruptLabels(y, p as number, k, seed).labels;
  return { y: out, p: p as number, labelsChanged: changedFraction(out) };
}
