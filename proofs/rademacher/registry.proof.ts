import { fc, test } from '@fast-check/vitest';
import { describe } from 'vitest';
import { CLASSES, CLASS_IDS, LAWS, type ClassSpec } from '../../src/rademacher/classes.js';
import { LAW_CHECKS, classOptionsArb, classSample } from './laws.js';

/**
 * Every class of the registry satisfies every law it claims (src/rademacher/classes.ts, `LAWS`), on
 * random small samples, by enumerating all sign vectors. The classes come from the registry, so a
 * class added there is checked here with no change to this file.
 */
describe('the registry\'s classes satisfy their laws', () => {
  for (const id of CLASS_IDS) {
    const spec: ClassSpec = CLASSES[id];
    for (const law of spec.laws) {
      test.prop({ X: classSample(spec), options: classOptionsArb, seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }, { numRuns: 20 })(
        `${id} — ${LAWS[law]}`,
        ({ X, options, seed }) => LAW_CHECKS[law](spec, X, options, seed),
      );
    }
  }
});
