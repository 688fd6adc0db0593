import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The tests of the exact core (the certificate, dyadic and rational arithmetic, error-free float
// transformations), for `npm run mutation:core` (stryker.core.config.mjs): the properties and unit
// tests that exercise src/expressivity/certify.ts, src/numeric/ and src/exact/ in-process.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'proofs/certificate.proof.ts',
      'proofs/theorem1.proof.ts',
      'proofs/lemma1.proof.ts',
      'proofs/depth-k.proof.ts',
      'proofs/distinctness.proof.ts',
      'test/expressivity/certify.test.ts',
      'test/expressivity/exact.test.ts',
      'test/numeric/**/*.test.ts',
      'test/exact/**/*.test.ts',
    ],
  },
});
