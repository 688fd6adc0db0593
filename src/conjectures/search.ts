import fc from 'fast-check';
import { InputError } from '../errors.js';
import { freshSeed } from '../random/rng.js';
import type { Conjecture } from './conjecture.js';
import { CoverageCounter } from './coverage.js';
import { evaluate, scoreOf, type Evaluation } from './evaluate.js';
import { formatTargetedPath, parsePath, type ReplayPath } from './path.js';
import { RecordedArbitrary, regenerateRun } from './recorded.js';
import type { Phase, SearchCommon, SearchResult } from './result.js';
import { shrinkFailure, followShrinkPath } from './shrink.js';
import { readStored, removeStored, storeFile, writeStored } from './store.js';
import { climb, followLineage, keyOf, Pool, type ChildOutcome } from './targeted.js';

/** Options of {@link search}. */
export interface SearchOptions {
  /** Seed of every random choice (default: a fresh one, reported in the result). */
  readonly seed?: number;
  /** Predicate evaluations (default: the conjecture's `numRuns`). */
  readonly runs?: number;
  /** Replay this path (with `seed`) instead of searching; a stale or malformed path is an InputError. */
  readonly path?: string;
  /** Hill-climb on the score when the conjecture has one (default true). */
  readonly target?: boolean;
  /** Directory of the counterexample store (default: none — the CLI uses `.rethink/counterexamples`). */
  readonly store?: string | null;
  /** How the replay command names the conjecture (default `rethink search <name>`). */
  readonly command?: string;
  /** Inputs `fc.pre` may reject before the search is an error rather than a survival (default 0.5 of all generated). */
  readonly maxRejectedFraction?: number;
}

/** Rejections below this count never fail the health check (a few rejections say nothing). */
const MIN_REJECTIONS_FOR_HEALTH = 10;

interface Found<T> {
  readonly value: T;
  readonly path: string;
  readonly phase: Phase;
  readonly shrinks: number;
}

/** Mutable bookkeeping of one search. */
class Tally<T> {
  evals = 0;
  rejected = 0;
  bestScore = -Infinity;
  firstFailure: { run: number; ms: number } | null = null;
  error: { cause: 'predicate-threw' | 'not-boolean'; input: T; message: string } | null = null;
  readonly notes: string[] = [];
  readonly t0 = performance.now();
  constructor(readonly coverage: CoverageCounter<T>) {}
  ms(): number {
    return Math.round(performance.now() - this.t0);
  }
  /** Milliseconds to 0.01 ms (times to a first failure are often below one). */
  preciseMs(): number {
    return Math.round(100 * (performance.now() - this.t0)) / 100;
  }
}

/**
 * Searches for a counterexample to a conjecture.
 *
 * 1. **Store.** With `store`, a counterexample saved by an earlier refutation is replayed first; if
 *    it still fails, that is the answer and nothing is searched (Hypothesis's example database).
 * 2. **Random phase.** fast-check's seeded runs (half the budget when the conjecture has a score and
 *    targeting is on, all of it otherwise), shrunk by fast-check. The path replays with fast-check's
 *    `{ seed, path, endOnFailure: true }`.
 * 3. **Targeted phase** (conjectures with a `score`). fast-check has no `target()`; here the best
 *    scoring inputs of phase 2 seed a hill-climb on their choice tapes (the draws the arbitrary made),
 *    so every mutated input still satisfies the arbitrary's constraints. A failure is shrunk with
 *    the arbitrary's own shrinker; its path `t<run>.<step>…:<shrink>…` replays it exactly.
 *
 * A predicate that throws (or returns a non-boolean) makes the outcome `error`, never `refuted`. If
 * `fc.pre` rejects more than half the generated inputs and nothing fails, the outcome is an
 * `error` (a health check), not a survival on few cases.
 *
 * @param c - the conjecture
 * @param options - seed, budget, replay path, targeting, store
 * @returns `refuted` (shrunk counterexample, seed, path, replay command) | `survived` | `error`
 * @example
 * const r = await search(builtinConjecture('weight-bound'), { seed: 1 });
 * if (r.verdict === 'refuted') console.log(r.counterexample, r.replay);
 */
export async function search<T>(c: Conjecture<T>, options: SearchOptions = {}): Promise<SearchResult<T>> {
  if (options.path !== undefined && options.seed === undefined) {
    throw new InputError(`--path ${options.path} needs the --seed it was found with (both are in the printed replay command)`);
  }
  const seed = options.seed ?? freshSeed();
  if (!Number.isSafeInteger(seed)) throw new InputError(`seed must be an integer, got ${seed}`);
  const total = options.runs ?? c.numRuns;
  if (!Number.isSafeInteger(total) || total < 1) throw new InputError(`runs must be a positive integer, got ${total}`);
  const targeting = options.target !== false && c.score !== undefined;
  const tally = new Tally<T>(new CoverageCounter(c.classify));
  const command = options.command ?? `rethink search ${c.name}`;
  const common = (): SearchCommon => ({
    name: c.name,
    statement: c.statement,
    source: c.source ?? null,
    expected: c.expected,
    seed,
    runs: tally.evals,
    ms: tally.ms(),
    rejected: tally.rejected,
    targeted: targeting,
    empirical: c.empirical?.budget ?? null,
    notes: tally.notes,
  });
  const refuted = (found: Found<T>, foundSeed = seed): SearchResult<T> => ({
    ...common(),
    seed: foundSeed,
    verdict: 'refuted',
    counterexample: found.value,
    path: found.path,
    phase: found.phase,
    firstFailure: tally.firstFailure,
    shrinks: found.shrinks,
    replay: `${command} --seed ${foundSeed} --path ${found.path}`,
  });
  const errored = (): SearchResult<T> => ({ ...common(), verdict: 'error', cause: tally.error!.cause, input: tally.error!.input, error: tally.error!.message });

  if (options.path !== undefined) {
    const path = parsePath(options.path);
    const found = await replay(c, seed, path, tally);
    if (tally.error) return errored();
    if (found === null) {
      throw new InputError(
        `replaying --seed ${seed} --path ${options.path} gives no counterexample: the conjecture or its arbitrary changed since it was recorded, or the path belongs to another seed; search again without --path`,
      );
    }
    return refuted(found);
  }

  const store = options.store ?? null;
  if (store !== null) {
    const entry = readStored(store, c.name, (m) => tally.notes.push(m));
    if (entry !== null) {
      let found: Found<T> | null = null;
      try {
        found = await replay(c, entry.seed, parsePath(entry.path), tally);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
      }
      if (tally.error) return errored();
      if (found !== null) {
        tally.notes.push(`found again from the store (${storeFile(store, c.name)}, recorded ${entry.recorded}) without searching; --no-store searches afresh`);
        return refuted({ ...found, phase: 'store' }, entry.seed);
      }
      removeStored(store, c.name);
      tally.notes.push(`the stored counterexample (seed ${entry.seed}, path ${entry.path}, ${entry.recorded}) no longer fails: the conjecture changed; removed, searching afresh`);
    }
  }

  const found = await runSearch(c, seed, total, targeting, tally);
  if (tally.error) return errored();
  if (found !== null) {
    const result = refuted(found);
    if (store !== null && result.verdict === 'refuted') {
      writeStored(store, { name: c.name, statement: c.statement, seed, path: found.path, phase: found.phase, runs: tally.evals, counterexample: found.value, replay: result.replay });
    }
    return result;
  }
  const maxRejected = options.maxRejectedFraction ?? 0.5;
  const generated = tally.evals + tally.rejected;
  if (tally.rejected >= MIN_REJECTIONS_FOR_HEALTH && tally.rejected > maxRejected * generated) {
    return {
      ...common(),
      verdict: 'error',
      cause: 'health-check',
      input: null,
      error: `fc.pre rejected ${tally.rejected} of ${generated} generated inputs (${Math.round((100 * tally.rejected) / generated)}%), so only ${tally.evals} cases were tested; generate valid inputs directly (map or chain the arbitrary instead of rejecting)`,
    };
  }
  return { ...common(), verdict: 'survived', coverage: tally.coverage.summary(), bestScore: targeting && Number.isFinite(tally.bestScore) ? tally.bestScore : null };
}

/** The random phase, then (with a score) the targeted phase. Null when nothing failed. */
async function runSearch<T>(c: Conjecture<T>, seed: number, total: number, targeting: boolean, tally: Tally<T>): Promise<Found<T> | null> {
  const randomRuns = targeting ? Math.ceil(total / 2) : total;
  const recorded = new RecordedArbitrary(c.arbitrary);
  const pool = new Pool();
  const property = fc.asyncProperty(recorded, async (input) => {
    if (tally.error) return true; // an error ends the search: let fast-check's shrinker run out at once
    const searching = tally.firstFailure === null;
    const ev = await evaluate(c, input);
    if (ev.kind === 'rejected') {
      if (searching) tally.rejected++;
      fc.pre(false);
    }
    if (ev.kind === 'error') {
      tally.error = { cause: ev.cause, input, message: ev.message };
      return false;
    }
    if (!searching) return ev.kind === 'holds';
    tally.evals++;
    tally.coverage.add(input);
    if (ev.kind === 'fails') {
      tally.firstFailure = { run: tally.evals, ms: tally.preciseMs() };
      return false;
    }
    if (targeting) {
      const score = await scoreOf(c, input);
      if (typeof score !== 'number') {
        tally.error = { cause: 'predicate-threw', input, message: score.error };
        return false;
      }
      tally.bestScore = Math.max(tally.bestScore, score);
      const draw = recorded.last;
      if (draw !== null && Object.is(draw.value, input)) pool.offer({ score, tape: draw.tape, biasFactor: draw.biasFactor, lineage: { run: draw.run, steps: [] }, key: keyOf(input) });
    }
    return true;
  });
  // maxSkipsPerRun 10: fast-check gives up past 10 rejections per run; the health check reports it.
  const details = await fc.check(property, { seed, numRuns: randomRuns, verbose: 0, maxSkipsPerRun: 10 });
  if (tally.error) return null;
  if (details.failed && details.counterexample !== null) {
    return { value: details.counterexample[0] as T, path: details.counterexamplePath as string, phase: 'random', shrinks: details.numShrinks };
  }
  if (details.failed) return null; // too many rejections: the health check speaks
  if (!targeting || total - randomRuns <= 0) return null;

  const evaluateChild = async (input: T): Promise<ChildOutcome> => {
    const ev = await evaluate(c, input);
    if (ev.kind === 'rejected') {
      tally.rejected++;
      return { kind: 'rejected' };
    }
    if (ev.kind === 'error') {
      tally.error = { cause: ev.cause, input, message: ev.message };
      return { kind: 'stop' };
    }
    tally.evals++;
    tally.coverage.add(input);
    if (ev.kind === 'fails') {
      tally.firstFailure = { run: tally.evals, ms: tally.preciseMs() };
      return { kind: 'fails' };
    }
    const score = await scoreOf(c, input);
    if (typeof score !== 'number') {
      tally.error = { cause: 'predicate-threw', input, message: score.error };
      return { kind: 'stop' };
    }
    tally.bestScore = Math.max(tally.bestScore, score);
    return { kind: 'scored', score };
  };
  const hit = await climb(c.arbitrary, pool, seed, total - randomRuns, evaluateChild);
  if (hit === null) return null;
  const shrunk = await shrinkFailure(c.arbitrary, hit.value, async (candidate) => {
    const ev = await evaluate(c, candidate);
    if (ev.kind === 'error') {
      tally.error = { cause: ev.cause, input: candidate, message: ev.message };
      return 'stop';
    }
    return ev.kind === 'fails';
  });
  return { value: shrunk.value.value_, path: formatTargetedPath(hit.lineage.run, hit.lineage.steps, shrunk.path), phase: 'targeted', shrinks: shrunk.path.length };
}

/** Replays a path: the counterexample it leads to, or null when it no longer fails. */
async function replay<T>(c: Conjecture<T>, seed: number, path: ReplayPath, tally: Tally<T>): Promise<Found<T> | null> {
  const record = (ev: Evaluation, input: T): boolean => {
    if (ev.kind === 'error') tally.error = { cause: ev.cause, input, message: ev.message };
    return ev.kind === 'fails';
  };
  if (path.kind === 'random') {
    let failing: { value: T } | null = null;
    const property = fc.asyncProperty(new RecordedArbitrary(c.arbitrary), async (input) => {
      const fails = record(await evaluate(c, input), input);
      if (fails) failing = { value: input };
      return !fails;
    });
    let details: fc.RunDetails<[T]>;
    try {
      details = await fc.check(property, { seed, path: path.text, endOnFailure: true, numRuns: 1, verbose: 0 });
    } catch (err) {
      // fast-check: "Unable to replay, got wrong path=…" when a level has fewer shrinks than the index
      throw new InputError(`replaying --seed ${seed} --path ${path.text} failed: ${(err as Error).message.split('\n')[0]}; the conjecture's arbitrary changed since the path was recorded`);
    }
    // A passing value at the path makes fast-check go on to its next siblings: only the path itself counts.
    if (tally.error || !details.failed || failing === null || details.counterexamplePath !== path.text) return null;
    return { value: (failing as { value: T }).value, path: path.text, phase: 'replay', shrinks: path.text.split(':').length - 1 };
  }
  const start = regenerateRun(c.arbitrary, seed, path.run);
  const value = followShrinkPath(c.arbitrary, followLineage(c.arbitrary, seed, start, path.steps), path.shrinks);
  if (value === null) return null;
  if (!record(await evaluate(c, value.value_), value.value_)) return null;
  return { value: value.value_, path: formatTargetedPath(path.run, path.steps, path.shrinks), phase: 'replay', shrinks: path.shrinks.length };
}
