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
  signedRowSums,
  type SupOracle,
} from './oracles.js';
export {
  estimateRademacher,
  exhaustiveRademacher,
  drawSigns,
  mcdiarmidHalfWidth,
  MAX_EXACT_N,
  type Convention,
  type RademacherEstimate,
  type ExhaustiveValue,
} from './estimate.js';
export {
  massartBound,
  kernelBallBounds,
  linearTrace,
  linearMaxNormBound,
  l1Bound,
  sauerShelah,
  vcRademacherBound,
  ssbdBound,
  mohriBound,
  type GeneralizationBound,
} from './bounds.js';
export { ridge, ridgeStability, type StabilityEstimate } from './stability.js';
