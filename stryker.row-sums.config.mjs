// Mutation testing of src/rademacher/row-sums.ts against the tests written for it
// (vitest.stryker-row-sums.config.ts says why): `npx stryker run stryker.row-sums.config.mjs`.
// Scores in docs/mutation.md.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { ...base.vitest, configFile: 'vitest.stryker-row-sums.config.ts' },
  mutate: ['src/rademacher/row-sums.ts'],
  incrementalFile: 'reports/mutation-row-sums/stryker-incremental.json',
  htmlReporter: { fileName: 'reports/mutation-row-sums/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation-row-sums/mutation.json' },
};
