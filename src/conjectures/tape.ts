import fc from 'fast-check';
import { Rng } from '../random/rng.js';

/**
 * A choice tape: the sequence of 32-bit draws an arbitrary consumed to build one value. The same
 * tape through the same arbitrary (with the same bias factor) gives the same value, so mutating
 * the tape and generating again explores *valid* neighbours of the value — every constraint the
 * arbitrary enforces (minimum gaps, uniqueness, shapes) still holds. This is how Hypothesis
 * represents test cases (MacIver, Hatfield-Dodds et al. 2019, "Hypothesis: a new approach to
 * property-based testing", §3: choice sequences), here on top of fast-check's generators.
 */
export interface Tape {
  /** The draws, int32 values as pure-rand produces them. */
  readonly draws: Int32Array;
  /** Draws past the end come from this seed, by position (so every reader sees the same ones). */
  readonly extension: number;
}

/** The int32 at position p of the extension stream `seed`: splitmix32 of (seed, p). */
function extensionDraw(seed: number, p: number): number {
  let z = (Math.imul(seed | 0, 0x9e3779b9) + Math.imul(p + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) | 0;
}

/** Shared state of every clone reading one tape: the draws read so far. */
class TapeReader {
  readonly draws: number[];
  constructor(
    readonly tape: Tape,
  ) {
    this.draws = Array.from(tape.draws);
  }
  at(p: number): number {
    while (this.draws.length <= p) this.draws.push(extensionDraw(this.tape.extension, this.draws.length));
    return this.draws[p] as number;
  }
}

/** A pure-rand generator over a tape; clones continue from the same position. */
class TapeGenerator {
  constructor(
    private readonly reader: TapeReader,
    private position: number,
    private readonly used: { max: number },
  ) {}
  clone(): TapeGenerator {
    return new TapeGenerator(this.reader, this.position, this.used);
  }
  next(): number {
    const v = this.reader.at(this.position++);
    if (this.position > this.used.max) this.used.max = this.position;
    return v;
  }
  getState(): readonly number[] {
    return [this.position];
  }
}

/** A value generated from a tape, with the tape cut to what was read. */
export interface TapeValue<T> {
  readonly value: fc.Value<T>;
  readonly tape: Tape;
}

/**
 * Generates one value of `arb` from a tape.
 *
 * @param arb - any fast-check arbitrary
 * @param tape - the draws (extended from `tape.extension` when the arbitrary reads more)
 * @param biasFactor - fast-check's bias factor (the same one gives the same value)
 * @returns the value (with its shrink context) and the tape cut to the draws read
 */
export function generateFromTape<T>(arb: fc.Arbitrary<T>, tape: Tape, biasFactor: number | undefined): TapeValue<T> {
  const reader = new TapeReader(tape);
  const used = { max: 0 };
  const value = arb.generate(new fc.Random(new TapeGenerator(reader, 0, used)), biasFactor);
  return { value, tape: { draws: Int32Array.from(reader.draws.slice(0, used.max)), extension: tape.extension } };
}

/**
 * A mutated copy of a tape (one edit half the time, else two or three): a fresh draw at a position, a small or a
 * power-of-two step on a draw (draws map to integers by (draw + 2^31) mod range, so ±1 on a draw
 * is ±1 on the integer it makes), a draw set to its minimum (towards the smallest value), a block
 * copied elsewhere, or the tape cut short (the arbitrary then reads fresh draws).
 *
 * @param tape - the parent
 * @param rng - the seeded source of the edits
 * @param extension - the seed of draws read past the new tape's end
 */
export function mutateTape(tape: Tape, rng: Rng, extension: number): Tape {
  const draws = Array.from(tape.draws);
  const edits = rng.int(2) === 0 ? 1 : 2 + rng.int(2); // one edit half the time: small moves climb
  for (let e = 0; e < edits; e++) {
    if (draws.length === 0) {
      draws.push(rng.nextUint32() | 0);
      continue;
    }
    const p = rng.int(draws.length);
    const old = draws[p] as number;
    switch (rng.int(6)) {
      case 0:
        draws[p] = rng.nextUint32() | 0;
        break;
      case 1:
        draws[p] = (old + (rng.sign() * (1 + rng.int(4)))) | 0;
        break;
      case 2:
        draws[p] = (old + rng.sign() * 2 ** rng.int(31)) | 0;
        break;
      case 3:
        draws[p] = -(2 ** 31);
        break;
      case 4: {
        const q = rng.int(draws.length);
        const len = 1 + rng.int(Math.min(8, draws.length - Math.max(p, q)));
        for (let k = 0; k < len; k++) draws[q + k] = draws[p + k] as number;
        break;
      }
      default:
        draws.length = p;
        break;
    }
  }
  return { draws: Int32Array.from(draws), extension };
}
