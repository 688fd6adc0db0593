// Mutation testing of the theory core: `npm run mutation` (long; not part of `npm test`).
// Scores, survivors judged equivalent and how to read the report: docs/mutation.md.
// One fast-check seed for every mutant (the test processes inherit it; vitest.config.ts reads it).
process.env.FC_SEED ??= '20170214';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    'src/expressivity/**/*.ts',
    'src/numeric/**/*.ts',
    'src/exact/**/*.ts',
    'src/rademacher/**/*.ts',
    'src/implicit/least-squares.ts',
    '!src/**/index.ts',
  ],
  coverageAnalysis: 'perTest',
  // Mutants in module-level code (constants, the class registry's entries) would each need the whole
  // suite; they are left out and counted as ignored (docs/mutation.md).
  ignoreStatic: true,
  // The instrumented initial run of the whole selection takes ≈ 5 min on 2 busy cores.
  dryRunTimeoutMinutes: 30,
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 85, low: 75, break: null },
  timeoutMS: 60_000,
  timeoutFactor: 2,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
