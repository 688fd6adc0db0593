import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// Mutation testing of src/rademacher/row-sums.ts against its own tests (stryker.row-sums.config.mjs):
// every oracle of the linear classes calls it, so under the whole selection each of its mutants would
// run the Rademacher proofs too (about an hour for 94 mutants on 2 cores). A score against these three
// files is a lower bound on the whole suite's.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/rademacher/row-sums.test.ts', 'test/rademacher/jobs.test.ts', 'test/rademacher/oracles.test.ts'],
  },
});
