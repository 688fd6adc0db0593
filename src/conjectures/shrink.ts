import type fc from 'fast-check';

/**
 * Shrinks a failing value the way fast-check's runner does: walk the arbitrary's shrink stream,
 * move to the first candidate that still fails, repeat until no candidate fails. The index taken at
 * each level is recorded, so the same walk can be replayed without evaluating anything
 * ({@link followShrinkPath}).
 *
 * @param arb - the arbitrary that generated `start`
 * @param start - a failing value with its shrink context
 * @param stillFails - true when a candidate is a counterexample; 'stop' ends shrinking (an error was met)
 * @returns the smallest failing value reached and the indices taken
 */
export async function shrinkFailure<T>(
  arb: fc.Arbitrary<T>,
  start: fc.Value<T>,
  stillFails: (candidate: T) => Promise<boolean | 'stop'>,
): Promise<{ value: fc.Value<T>; path: number[] }> {
  let current = start;
  const path: number[] = [];
  for (;;) {
    let index = 0;
    let moved = false;
    for (const candidate of arb.shrink(current.value_, current.context)) {
      const verdict = await stillFails(candidate.value_);
      if (verdict === 'stop') return { value: current, path };
      if (verdict) {
        current = candidate;
        path.push(index);
        moved = true;
        break;
      }
      index++;
    }
    if (!moved) return { value: current, path };
  }
}

/**
 * Replays a shrink walk: at each level take the candidate at the recorded index. Null when a level
 * has fewer candidates than the index (the arbitrary changed since the path was recorded).
 */
export function followShrinkPath<T>(arb: fc.Arbitrary<T>, start: fc.Value<T>, path: readonly number[]): fc.Value<T> | null {
  let current = start;
  for (const index of path) {
    let i = 0;
    let next: fc.Value<T> | null = null;
    for (const candidate of arb.shrink(current.value_, current.context)) {
      if (i++ === index) {
        next = candidate;
        break;
      }
    }
    if (next === null) return null;
    current = next;
  }
  return current;
}
