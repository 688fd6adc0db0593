/**
 * `rethink/rademacher`: empirical Rademacher complexity (Zhang et al. 2017, §2.2; Bartlett & Mendelson
 * 2002) — every class's supremum oracle, exact enumeration, Monte Carlo estimates with McDiarmid
 * half-widths, bounds, uniform stability of ridge regression, and the paper's comparison.
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
export { CLASS_NAMES, type ClassName } from './names.js';
