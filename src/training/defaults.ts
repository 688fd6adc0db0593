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
