import type fc from 'fast-check';
import { Rng } from '../random/rng.js';
import { toJsonSafe } from './format.js';
import { generateFromTape, mutateTape, type Tape } from './tape.js';

/** How a targeted input descends from a random run: the run, then the steps whose mutations made it. */
export interface Lineage {
  readonly run: number;
  readonly steps: readonly number[];
}

/** A pool member of the hill-climb. */
export interface Candidate {
  readonly score: number;
  readonly tape: Tape;
  readonly biasFactor: number | undefined;
  readonly lineage: Lineage;
  /** The value's JSON form (children equal to it are not evaluated again). */
  readonly key?: string;
}

/** The best-scoring inputs so far (at most `size`); a newcomer at least as good as the worst replaces it. */
export class Pool {
  readonly members: Candidate[] = [];
  constructor(private readonly size = 8) {}

  offer(c: Candidate): void {
    if (this.members.length < this.size) {
      this.members.push(c);
      return;
    }
    let worst = 0;
    for (let i = 1; i < this.members.length; i++) if ((this.members[i] as Candidate).score <= (this.members[worst] as Candidate).score) worst = i;
    if (c.score >= (this.members[worst] as Candidate).score) this.members[worst] = c;
  }

  /** Tournament of two: the better of two members drawn at random. */
  pick(rng: Rng): Candidate {
    const a = this.members[rng.int(this.members.length)] as Candidate;
    const b = this.members[rng.int(this.members.length)] as Candidate;
    return b.score > a.score ? b : a;
  }
}

/** The mutation made at `step` of the hill-climb under `seed`: a function of both and of nothing else. */
export function mutationAt(seed: number, step: number, parent: Tape): Tape {
  const rng = new Rng(seed).fork(`target/${step}`);
  return mutateTape(parent, rng, rng.nextUint32() | 0);
}

/** What one evaluation in the climb says about a child. */
export type ChildOutcome = { kind: 'fails' } | { kind: 'scored'; score: number } | { kind: 'rejected' } | { kind: 'stop' };

/**
 * The targeted phase: `budget` evaluations of a seeded (μ + 1) hill-climb. Each step mutates the
 * tape of a pool member (tournament of two), generates the child through the arbitrary (so it
 * satisfies every constraint the arbitrary has) and evaluates it; a failing child ends the climb, a
 * scored one joins the pool if it is at least as good as the worst member. A child equal to its
 * parent (the edit hit draws the value does not depend on) is not evaluated and does not count,
 * up to 8 such misses per evaluation.
 *
 * @returns the failing child and its lineage, or null when the budget ran out (or evaluation stopped)
 */
export async function climb<T>(
  arb: fc.Arbitrary<T>,
  pool: Pool,
  seed: number,
  budget: number,
  evaluateChild: (input: T) => Promise<ChildOutcome>,
): Promise<{ value: fc.Value<T>; lineage: Lineage; step: number } | null> {
  if (pool.members.length === 0) return null;
  const parents = new Rng(seed).fork('target/parents');
  let evaluations = 0;
  for (let step = 0; evaluations < budget && step < 9 * budget; step++) {
    const parent = pool.pick(parents);
    const child = generateFromTape(arb, mutationAt(seed, step, parent.tape), parent.biasFactor);
    if (sameDraws(child.tape, parent.tape) || sameValue(child.value.value_, parent)) continue;
    const lineage: Lineage = { run: parent.lineage.run, steps: [...parent.lineage.steps, step] };
    evaluations++;
    const outcome = await evaluateChild(child.value.value_);
    if (outcome.kind === 'stop') return null;
    if (outcome.kind === 'fails') return { value: child.value, lineage, step };
    if (outcome.kind === 'scored') pool.offer({ score: outcome.score, tape: child.tape, biasFactor: parent.biasFactor, lineage, key: keyOf(child.value.value_) });
  }
  return null;
}

function sameDraws(a: Tape, b: Tape): boolean {
  return a.draws.length === b.draws.length && a.draws.every((v, i) => v === b.draws[i]);
}

function sameValue<T>(value: T, parent: Candidate): boolean {
  return parent.key !== undefined && keyOf(value) === parent.key;
}

/** The JSON form of a value, the identity of a pool member. */
export function keyOf(value: unknown): string {
  return JSON.stringify(toJsonSafe(value)) ?? 'undefined';
}

/** Regenerates a targeted input from its lineage: the random run's tape, then each step's mutation. */
export function followLineage<T>(arb: fc.Arbitrary<T>, seed: number, start: { tape: Tape; biasFactor: number | undefined }, steps: readonly number[]): fc.Value<T> {
  let tape = start.tape;
  let value: fc.Value<T> | null = null;
  for (const step of steps) {
    const child = generateFromTape(arb, mutationAt(seed, step, tape), start.biasFactor);
    tape = child.tape;
    value = child.value;
  }
  if (value === null) throw new Error('internal: a targeted lineage has at least one step');
  return value;
}
