/**
 * `rethink` — executable science for Zhang, Bengio, Hardt, Recht & Vinyals, "Understanding deep
 * learning requires rethinking generalization" (ICLR 2017).
 *
 * @example
 * import { interpolate, certify } from 'rethink';
 * const net = interpolate(X, y);            // Theorem 1: 2n + d weights
 * certify(net, X, y).labelsRecovered;       // 1, proven
 *
 * @example
 * import { conjecture, search, fc, arbitraries } from 'rethink';   // conjectures you can search
 * const r = await search(builtinConjecture('weight-bound'), { seed: 1 });   // r.verdict === 'refuted'
 */
export * from './expressivity/index.js';
export { InputError } from './errors.js';
export { Rng, freshSeed } from './random/rng.js';
export { toMatrix, toLabels, rowOf, type Matrix, type MatrixInput, type SparseRows } from './data/matrix.js';
export { loadMnist, mnistMatrix, mnistDirectory, type MnistSplit, type MnistMatrix } from './data/mnist.js';
export { parseIdx, readIdx, type IdxArray } from './data/idx.js';
export { parseCsv, readCsv, type LabelledData } from './data/csv.js';
export { gaussianClusters } from './data/synthetic.js';
export { loadSource, type LabelledSource, type SourceOptions } from './data/source.js';
export { randomLabels } from './randomization/labels.js';
export { Dyadic } from './numeric/dyadic.js';
export { toFraction, dyadicToFraction, type ExactInput, type Fraction } from './exact/fraction.js';
export { determinant, forwardSubstitute } from './exact/linear.js';
export { main } from './cli/main.js';
export * from './rademacher/index.js';
export * from './implicit/index.js';
export { rank, solveExact } from './exact/linear.js';
export * from './conjectures/index.js';
export * as arbitraries from './arbitraries/index.js';
export { default as fc } from 'fast-check';
