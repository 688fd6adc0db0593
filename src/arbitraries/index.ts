/**
 * The project's fast-check arbitraries, for conjectures of your own:
 * `import { conjecture, fc, arbitraries } from 'rethink'`.
 *
 * @example
 * arbitraries.pointsWithMinGap({ minN: 3, maxN: 8, d: 2, minGap: 0.5 }); // distinct points, pairwise ≥ 0.5 apart
 */
export { integerSample, realSample, rationalSample, type Sample } from './samples.js';
export { pointsWithMinGap, gappedLine, integerGrid, linePoints, type MinGapConstraints, type GappedLineConstraints, type IntegerGridConstraints } from './points.js';
export { signVectors, oneHotLabels } from './labels.js';
export { float32Matrix, type Float32Matrix, type Float32MatrixConstraints } from './matrices.js';
export { finiteClassPredictions } from './classes.js';
