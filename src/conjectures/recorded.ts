import fc from 'fast-check';
import { generateFromTape, type Tape } from './tape.js';

/** A random-phase input together with the tape that produced it. */
export interface RecordedDraw<T> {
  readonly value: T;
  readonly tape: Tape;
  readonly biasFactor: number | undefined;
  /** fast-check's run index (the first number of its paths). */
  readonly run: number;
}

/**
 * Wraps an arbitrary so that every value fast-check generates comes from a choice tape: one draw
 * from fast-check's stream seeds the tape, the wrapped arbitrary reads the tape. Values, shrinking
 * and fast-check's seed/path replay are those of the wrapped arbitrary; in addition the tape of the
 * latest value is kept, for the targeted phase to mutate.
 */
export class RecordedArbitrary<T> extends fc.Arbitrary<T> {
  /** The latest generated value and its tape. */
  last: RecordedDraw<T> | null = null;
  private generated = 0;

  constructor(readonly inner: fc.Arbitrary<T>) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    const extension = mrng.nextInt(-0x80000000, 0x7fffffff);
    const { value, tape } = generateFromTape(this.inner, { draws: new Int32Array(0), extension }, biasFactor);
    this.last = { value: value.value_, tape, biasFactor, run: this.generated++ };
    return value;
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.inner.canShrinkWithoutContext(value);
  }

  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    return this.inner.shrink(value, context);
  }
}

/**
 * The tape and bias factor of fast-check's run `run` under `seed`, without evaluating anything.
 */
export function regenerateRun<T>(inner: fc.Arbitrary<T>, seed: number, run: number): RecordedDraw<T> {
  const recorded = new RecordedArbitrary(inner);
  let draw: RecordedDraw<T> | null = null;
  fc.check(
    fc.property(recorded, () => {
      draw = recorded.last;
      return true;
    }),
    { seed, path: String(run), numRuns: 1, endOnFailure: true, verbose: 0 },
  );
  if (draw === null) throw new Error(`internal: fast-check generated no value for run ${run}`);
  return { ...(draw as RecordedDraw<T>), run };
}
