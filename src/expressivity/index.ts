export { ReluNetwork, type ReluNetworkParameters } from './network.js';
export { chooseDirection, drawDirection, projectAll, argsort, DIRECTION_GRID_BITS, type DirectionStrategy, type Projection } from './direction.js';
export {
  interpolate,
  interpolateClasses,
  placeBiases,
  InterpolatedNetwork,
  DEFAULT_LAMBDA,
  DEFAULT_DIRECTION,
  type InterpolateOptions,
  type MergedDuplicates,
} from './interpolate.js';
export { certify, type Certificate } from './certify.js';
export { interpolateExact, type ExactNetwork, type ExactOptions, type ExactDirection } from './exact.js';
export { deepen, numberField, fractionField, type Field, type DeepReluNetwork, type DeepUnit } from './deep.js';
export { diagnose, type Diagnostics } from './diagnostics.js';
export { weightBoundHolds, weightBoundRatio } from './conjectures.js';
