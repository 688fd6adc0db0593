/**
 * `rethink/implicit`: implicit regularization (Zhang et al. 2017, §5) — SGD on least squares and its
 * limit X⁺y (+ (I − P)w₀ from w₀ ≠ 0), minimum-norm solutions in float64 and exactly, and
 * minimum-norm kernel interpolation (float64 Cholesky/CG here; the engine's float32 solver is in
 * `rethink/training`, since it loads TensorFlow.js).
 *
 * @example
 * import { sgdLeastSquares, minNormSolution } from 'rethink/implicit';
 */
export * from './least-squares.js';
export * from './exact.js';
export * from './kernel.js';
