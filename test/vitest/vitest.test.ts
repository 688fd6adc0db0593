import { describe, expect, test } from 'vitest';
import { conjecture, expectExpectedOutcome, fc, search } from '../../src/vitest/index.js';

const holds = conjecture({ name: 'abs-nonnegative', statement: '|x| ≥ 0', arbitrary: fc.integer(), predicate: (x) => Math.abs(x) >= 0 });
const fails = conjecture({ name: 'abs-positive', statement: '|x| > 0', expected: 'refuted', arbitrary: fc.integer({ min: -10, max: 10 }), predicate: (x) => Math.abs(x) > 0 });

// registers a test that passes (the outcome is the expected one)
conjecture.test(holds);
conjecture.test(fails, { runs: 50 });

describe('rethink/vitest', () => {
  test("search() uses the suite's fast-check seed, so a failing run names the seed that replays it", async () => {
    expect((await search(holds)).seed).toBe(Number(process.env.FC_SEED));
    expect((await search(holds, { seed: 4 })).seed).toBe(4);
  });

  test('toBeRefuted / toSurvive pass on the matching outcome and print the report when they fail', async () => {
    const refuted = await search(fails);
    const survived = await search(holds, { runs: 20 });
    expect(refuted).toBeRefuted();
    expect(survived).toSurvive();
    expect(survived).not.toBeRefuted();
    expect(() => expect(refuted).toSurvive()).toThrow(/expected abs-positive to survive\n[^]*REFUTED after \d+ runs?[^]*counterexample:\n\s+0\n[^]*replay: rethink search abs-positive --seed \d+ --path/);
    expect(() => expect(survived).toBeRefuted()).toThrow(/expected abs-nonnegative to be refuted\n[^]*SURVIVED 20 runs/);
    expect(() => expect(42).toBeRefuted()).toThrow(/toBeRefuted expects the result of search\(conjecture\)/);
  });

  test('expectExpectedOutcome (behind conjecture.test) throws the report when the outcome is not the expected one', async () => {
    const wronglyHopeful = conjecture({ ...fails, name: 'abs-positive-hoped', expected: 'holds' });
    await expect(expectExpectedOutcome(wronglyHopeful)).rejects.toThrow(/abs-positive-hoped: expected it to hold \(survive the search\), got refuted\n[^]*counterexample:/);
    await expect(expectExpectedOutcome(fails)).resolves.toMatchObject({ verdict: 'refuted' });
  });
});
