/** Kept apart from fit.ts so that the CLI's flag help does not load tfjs. */
/** The paper's defaults (Appendix A) for the fields a user may omit. */
export const FIT_DEFAULTS = {
  epochs: 100,
  maxSteps: null,
  lr: null,
  momentum: 0.9,
  batchSize: 128,
  decay: 0.95,
  decaySteps: 391,
  weightDecay: 0,
  dropout: 0,
  augment: 'none',
  testN: null,
  resume: false,
} as const;

/**
 * Default seconds between two checkpoints. A checkpoint holds the weights and velocities (8 bytes a
 * parameter: 3.3 MB for MLP 1×512) and was ≈ 9% of a 500-image MNIST run's time when written after
 * every 60 ms epoch (`--cpu-prof` of `rethink fit --n 500`); epochs at the paper's scale take minutes,
 * and still get one each.
 */
export const CHECKPOINT_SECONDS = 10;
