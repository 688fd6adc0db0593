export { sgdLeastSquares, gdLeastSquares, minNormSolution, sgdLimit, residualNorm, type SgdOptions, type SgdResult } from './least-squares.js';
export { sgdExact, minNormExact, fractionRows, squaredNorm, type FractionRows } from './exact.js';
export { kernelInterpolate, gram, kernelSolveBytes, largestFeasibleN, type Kernel, type KernelOptions, type KernelInterpolant } from './kernel.js';
