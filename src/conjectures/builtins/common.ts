/**
 * Shared pieces of the built-in conjectures: labelled samples that shrink well, and sign-change
 * counting.
 */
import fc from 'fast-check';

/**
 * Labelled points as one array of (point, label) records: shrinking removes a point together with
 * its label, so fast-check reaches small counterexamples (two arrays cut to a common length cannot:
 * dropping a label alone shifts every later pair). With `unique`, no two points are equal.
 *
 * @returns the points and labels as two aligned arrays
 */
export function labelledPoints<P, L>(
  point: fc.Arbitrary<P>,
  label: fc.Arbitrary<L>,
  { minN, maxN, unique }: { minN: number; maxN: number; unique: boolean },
): fc.Arbitrary<{ x: P[]; y: L[] }> {
  const pair = fc.record({ x: point, y: label });
  const pairs = unique
    ? fc.uniqueArray(pair, { minLength: minN, maxLength: maxN, selector: (p) => JSON.stringify(p.x) })
    : fc.array(pair, { minLength: minN, maxLength: maxN });
  return pairs.map((ps) => ({ x: ps.map((p) => p.x), y: ps.map((p) => p.y) }));
}

/** Sign changes of `labels` read in increasing order of `xs`. */
export function signChangesAlong(xs: readonly number[], labels: readonly number[]): number {
  const order = xs.map((_, i) => i).sort((i, j) => (xs[i] as number) - (xs[j] as number));
  let changes = 0;
  for (let k = 1; k < order.length; k++) if (Math.sign(labels[order[k] as number] as number) !== Math.sign(labels[order[k - 1] as number] as number)) changes++;
  return changes;
}
