import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The test and proof files that exercise the theory core, for mutation testing (npm run mutation,
// stryker.config.mjs): the main config with a narrower include. stryker.config.mjs pins FC_SEED, so
// that every mutant meets the same inputs.
// Left out: test/rademacher/signed-row-sums.test.ts and test/rademacher/parallel.test.ts (the worker
// pool runs the compiled dist/, which mutants do not reach; and minutes when instrumented) and the
// engine, data and training tests (no mutated code). test/rademacher/classes.test.ts is included: one of
// its tests reads dist/ (unmutated: it passes either way), the others check the registry in-process.
// The pool's job and threshold are called in-process by test/rademacher/jobs.test.ts, which is.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'proofs/**/*.proof.ts',
      'test/expressivity/**/*.test.ts',
      'test/numeric/**/*.test.ts',
      'test/exact/**/*.test.ts',
      'test/rademacher/signs.test.ts',
      'test/rademacher/jobs.test.ts',
      'test/rademacher/row-sums.test.ts',
      'test/rademacher/classes.test.ts',
      'test/rademacher/compare.test.ts',
      'test/rademacher/oracles.test.ts',
      'test/rademacher/estimate.test.ts',
      'test/rademacher/bounds.test.ts',
      'test/rademacher/stability.test.ts',
      'test/implicit/least-squares.test.ts',
      'test/cli/expressivity.test.ts',
      'test/cli/rademacher.test.ts',
      'test/cli/implicit.test.ts',
    ],
  },
});
