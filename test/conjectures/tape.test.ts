import fc from 'fast-check';
import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { pointsWithMinGap } from '../../src/arbitraries/index.js';
import { RecordedArbitrary, regenerateRun } from '../../src/conjectures/recorded.js';
import { generateFromTape, mutateTape } from '../../src/conjectures/tape.js';
import { Rng } from '../../src/random/rng.js';

// Arbitraries with constraints a mutated input must still satisfy.
const unique = fc.uniqueArray(fc.integer({ min: -5, max: 5 }), { minLength: 2, maxLength: 8 });
const gapped = pointsWithMinGap({ minN: 2, maxN: 6, d: 2, minGap: 0.5, maxAbs: 2 });
const chained = fc.integer({ min: 1, max: 6 }).chain((n) => fc.array(fc.constantFrom(-1, 1), { minLength: n, maxLength: n }).map((s) => ({ n, s })));

describe('choice tapes', () => {
  test.prop({ seed: fc.integer(), runs: fc.integer({ min: 1, max: 20 }) })(
    "a value generated through fast-check's runner is generated again, equal, from its tape and bias factor, and from its run index",
    ({ seed, runs }) => {
      const recorded = new RecordedArbitrary(chained);
      const seen: { value: unknown; tape: ReturnType<typeof generateFromTape>['tape']; bias: number | undefined }[] = [];
      fc.check(
        fc.property(recorded, (v) => {
          seen.push({ value: v, tape: recorded.last!.tape, bias: recorded.last!.biasFactor });
          return true;
        }),
        { seed, numRuns: runs },
      );
      expect(seen).toHaveLength(runs);
      seen.forEach((s, i) => {
        expect(generateFromTape(chained, s.tape, s.bias).value.value_).toEqual(s.value);
        expect(regenerateRun(chained, seed, i).value).toEqual(s.value);
      });
    },
  );

  test.prop({ seed: fc.integer(), step: fc.nat() })('mutated tapes give inputs that keep every constraint of the arbitrary (uniqueness, minimum gap, lengths)', ({ seed, step }) => {
    const rng = new Rng(seed);
    let uTape = generateFromTape(unique, { draws: new Int32Array(0), extension: seed }, 2).tape;
    let gTape = generateFromTape(gapped, { draws: new Int32Array(0), extension: seed }, 2).tape;
    let cTape = generateFromTape(chained, { draws: new Int32Array(0), extension: seed }, 2).tape;
    for (let k = 0; k < 10; k++) {
      const u = generateFromTape(unique, mutateTape(uTape, rng, step + k), 2);
      expect(new Set(u.value.value_).size).toBe(u.value.value_.length);
      expect(u.value.value_.length).toBeGreaterThanOrEqual(2);
      uTape = u.tape;
      const g = generateFromTape(gapped, mutateTape(gTape, rng, step + k), 2);
      const X = g.value.value_;
      X.forEach((p, i) => X.forEach((q, j) => i < j && expect(Math.max(Math.abs(p[0]! - q[0]!), Math.abs(p[1]! - q[1]!))).toBeGreaterThanOrEqual(0.5)));
      gTape = g.tape;
      const c = generateFromTape(chained, mutateTape(cTape, rng, step + k), 2);
      expect(c.value.value_.s).toHaveLength(c.value.value_.n);
      cTape = c.tape;
    }
  });

  test.prop({ seed: fc.integer() })('the same tape and edit seed give the same mutation', ({ seed }) => {
    const tape = generateFromTape(unique, { draws: new Int32Array(0), extension: seed }, 3).tape;
    expect(mutateTape(tape, new Rng(seed), 7)).toEqual(mutateTape(tape, new Rng(seed), 7));
  });
});
