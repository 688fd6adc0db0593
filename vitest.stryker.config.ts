import { defineConfig } from 'vitest/config';

// The test and proof files that exercise the theory core, for mutation testing (npm run mutation,
// stryker.config.mjs). The fast-check seed is pinned so that every mutant meets the same inputs.
export default defineConfig({
  test: {
    include: [
      'proofs/**/*.proof.ts',
      'test/expressivity/**/*.test.ts',
      'test/numeric/**/*.test.ts',
      'test/rademacher/**/*.test.ts',
      'test/cli/expressivity.test.ts',
      'test/cli/rademacher.test.ts',
      'test/cli/implicit.test.ts',
    ],
    setupFiles: ['test/setup/fast-check.ts'],
    env: { FC_SEED: process.env.FC_SEED ?? '20170214' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
