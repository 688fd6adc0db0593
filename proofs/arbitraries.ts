/** The proofs' arbitraries live in src/arbitraries (exported to users as `arbitraries`). */
export { integerSample, realSample, rationalSample, linePoints, type Sample } from '../src/arbitraries/index.js';
export { finiteClassPredictions as finiteClassArb } from '../src/arbitraries/index.js';
