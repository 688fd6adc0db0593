import { expect, test } from 'vitest';
import { conjecture, search } from 'rethink/vitest';
import rate from './thresholds-rate.js';
import massart from './thresholds-massart.js';

// Each passes when the search's outcome is the conjecture's `expected` one.
conjecture.test(rate); // refuted, as expected
conjecture.test(massart); // survives, as expected

test('the 1/√n guess fails and the Massart bound survives', async () => {
  expect(await search(rate)).toBeRefuted();
  expect(await search(massart)).toSurvive();
});
