/**
 * `rethink/rademacher`: empirical Rademacher complexity (Zhang et al. 2017, §2.2; Bartlett & Mendelson
 * 2002) — every class's supremum oracle, exact enumeration, Monte Carlo estimates with McDiarmid
 * half-widths (on a worker pool where it pays: `estimateRademacherAsync`), bounds, uniform stability
 * of ridge regression, the paper's comparison, and the registry of classes the CLI offers.
 *
 * @example
 * import { estimateRademacher, linearL2 } from 'rethink/rademacher';
 * estimateRademacher(linearL2(X, 1), { draws: 1000, delta: 0.05, seed: 1 }).estimate;
 */
export * from './oracles.js';
export * from './estimate.js';
export * from './bounds.js';
export * from './stability.js';
export * from './compare.js';
export * from './classes.js';
export * from './signs.js';
export { lazyPool, parallelWorthIt, PARALLEL_MIN_WORK, type JobRunner, type LazyPool } from './parallel.js';
