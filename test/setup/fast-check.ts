import fc from 'fast-check';

// The run's seed comes from vitest.config.ts (FC_SEED). Failures print seed and path; replay with
// FC_SEED=<seed> npm test, or pass { seed, path } to the property as fast-check's report says.
const seed = Number(process.env.FC_SEED);
fc.configureGlobal({ seed, verbose: 1 });

import { expect } from 'vitest';
import { toFraction, type ExactInput, type Fraction } from '../../src/exact/fraction.js';

expect.extend({
  /** Exact equality of rationals, printing both as p/q. */
  toEqualFraction(received: Fraction, expected: ExactInput) {
    const want = toFraction(expected);
    const pass = received.equals(want);
    return {
      pass,
      message: () => `expected ${received.toFraction()} ${pass ? 'not ' : ''}to equal ${want.toFraction()} exactly`,
    };
  },
});

declare module 'vitest' {
  interface Assertion<T> {
    toEqualFraction(expected: ExactInput): T;
  }
}
