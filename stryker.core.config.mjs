// Mutation testing of the exact core only — the certificate (src/expressivity/certify.ts), dyadic
// and rational arithmetic (src/exact/) and the error-free float transformations (src/numeric/) —
// against the tests that exercise them in-process: `npm run mutation:core` (about an hour on 2 cores;
// the whole theory core is `npm run mutation`). Scores in docs/mutation.md.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { ...base.vitest, configFile: 'vitest.stryker-core.config.ts' },
  mutate: ['src/expressivity/certify.ts', 'src/numeric/**/*.ts', 'src/exact/**/*.ts', '!src/**/index.ts'],
  incrementalFile: 'reports/mutation-core/stryker-incremental.json',
  htmlReporter: { fileName: 'reports/mutation-core/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation-core/mutation.json' },
};
