/**
 * `rethink` — executable science for Zhang, Bengio, Hardt, Recht & Vinyals, "Understanding deep
 * learning requires rethinking generalization" (ICLR 2017).
 *
 * The package root is the documented API: Theorem 1 (build, certify, check exactly, deepen, save),
 * Rademacher complexity (classes, estimates, bounds, the paper's comparison), implicit
 * regularization (SGD's limit, minimum-norm and kernel interpolation), the data layer, seeded
 * randomness and conjectures you can search. Each topic's full surface, internals included, is a
 * subpath: `rethink/expressivity`, `rethink/rademacher`, `rethink/implicit`, `rethink/training`
 * (TensorFlow.js: trainers, models, backends), `rethink/vitest`.
 *
 * @example
 * import { interpolate, certify } from 'rethink';
 * const net = interpolate(X, y);            // Theorem 1: 2n + d weights
 * certify(net, X, y).labelsRecovered;       // 1, proven
 *
 * @example
 * import { search, builtinConjecture } from 'rethink';
 * const r = await search(builtinConjecture('weight-bound')!, { seed: 1 });   // r.verdict === 'refuted'
 */

// Theorem 1 (paper §4).
export { interpolate, interpolateClasses, InterpolatedNetwork, DEFAULT_LAMBDA, type InterpolateOptions } from './expressivity/interpolate.js';
export { ReluNetwork, type ReluNetworkParameters } from './expressivity/network.js';
export { certify, type Certificate } from './expressivity/certify.js';
export { interpolateExact, checkExact, type ExactNetwork, type ExactOptions, type ExactCheck } from './expressivity/exact.js';
export { deepen, numberField, fractionField, type DeepReluNetwork } from './expressivity/deep.js';
export { diagnose, type Diagnostics } from './expressivity/diagnostics.js';
export { saveNetwork, saveExactNetwork, loadNetwork, type SavedNetwork, type SavedExactNetwork, type LoadedNetwork } from './expressivity/network-file.js';
export type { DirectionStrategy } from './expressivity/direction.js';

// Rademacher complexity and generalization bounds (paper §2.2).
export {
  finiteClass,
  linearL2,
  linearL1,
  rkhsBall,
  gaussianGram,
  polynomialGram,
  thresholds,
  twoSidedThresholds,
  intervals,
  allFunctions,
  relu2Layer,
  type SupOracle,
} from './rademacher/oracles.js';
export { estimateRademacher, exhaustiveRademacher, type Convention, type RademacherEstimate, type ExhaustiveValue } from './rademacher/estimate.js';
export { massartBound, kernelBallBounds, linearTrace, l1Bound, vcRademacherBound, ssbdBound, mohriBound, type GeneralizationBound } from './rademacher/bounds.js';
export { ridgeStability, type StabilityEstimate } from './rademacher/stability.js';
export { compareClasses, type ComparedClass, type CompareOptions } from './rademacher/compare.js';

// Implicit regularization (paper §5).
export { sgdLeastSquares, gdLeastSquares, minNormSolution, sgdLimit, type SgdOptions, type SgdResult } from './implicit/least-squares.js';
export { sgdExact, minNormExact } from './implicit/exact.js';
export { kernelInterpolate, type Kernel, type KernelOptions, type KernelInterpolant } from './implicit/kernel.js';

// Data, randomizations, randomness, exact numbers.
export { loadDataset, type Dataset, type DatasetSpec, type DataSplit } from './data/dataset.js';
export { toMatrix, type Matrix, type MatrixInput } from './data/matrix.js';
export { readCsv, parseCsv } from './data/csv.js';
export { RANDOMIZATIONS, type RandomizationId } from './randomization/registry.js';
export { Rng } from './random/rng.js';
export { toFraction, type ExactInput, type Fraction } from './exact/fraction.js';
export { InputError, InterruptedError } from './errors.js';

// Conjectures you can search (fast-check and the project's arbitraries come with them).
export { conjecture, search, builtinConjecture, BUILTIN_CONJECTURES, type Conjecture, type ConjectureSpec, type SearchResult, type SearchOptions } from './conjectures/index.js';
export * as arbitraries from './arbitraries/index.js';
export { default as fc } from 'fast-check';
