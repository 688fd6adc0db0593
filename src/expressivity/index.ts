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
export { interpolateExact, checkExact, type ExactNetwork, type ExactOptions, type ExactDirection, type ExactCheck } from './exact.js';
export { saveNetwork, saveExactNetwork, loadNetwork, FLOAT_NETWORK_FORMAT, EXACT_NETWORK_FORMAT, type SavedNetwork, type SavedExactNetwork, type LoadedNetwork } from './network-file.js';
export { deepen, numberField, fractionField, type Field, type DeepReluNetwork, type DeepUnit } from './deep.js';
export { diagnose, type Diagnostics } from './diagnostics.js';
export { weightBoundHolds, weightBoundRatio } from './conjectures.js';
