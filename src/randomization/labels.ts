import { InputError } from '../errors.js';
import { Rng } from '../random/rng.js';

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

