/**
 * `rethink/vitest`: conjectures in a vitest suite.
 *
 * - `conjecture.test(c)` registers a test that searches `c` and passes when the outcome is the one
 *   `c.expected` names (`holds` → survived, `refuted` → refuted).
 * - `expect(await search(c)).toBeRefuted()` / `.toSurvive()` assert an outcome directly; a failure
 *   prints the verdict, the counterexample in readable form and the replay command.
 *
 * The seed is the one fast-check is configured with (`fc.configureGlobal({ seed })`), else a fresh
 * one; either way it is in every failure message.
 *
 * @example
 * import { expect, test } from 'vitest';
 * import { conjecture, search, fc } from 'rethink/vitest';
 * const squares = conjecture({ name: 'squares', statement: 'x² ≥ x', arbitrary: fc.integer(), predicate: (x) => x * x >= x });
 * conjecture.test(squares);
 * test('and directly', async () => expect(await search(squares)).toSurvive());
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { conjecture as makeConjecture, type Conjecture, type ConjectureSpec } from '../conjectures/conjecture.js';
import { formatReport } from '../conjectures/report.js';
import { matchesExpected, type SearchResult } from '../conjectures/result.js';
import { search as searchConjecture, type SearchOptions } from '../conjectures/search.js';
import { freshSeed } from '../random/rng.js';

export { fc };
export * as arbitraries from '../arbitraries/index.js';
export type { Conjecture, ConjectureSpec, SearchOptions, SearchResult };

/** Options of `conjecture.test`: the search's, plus the test's timeout. */
export interface ConjectureTestOptions extends SearchOptions {
  /** Test timeout in ms (default 120 000). */
  readonly timeout?: number;
}

/** fast-check's configured seed when there is one (a suite pins it), else a fresh one. */
function defaultSeed(): number {
  const configured = fc.readConfigureGlobal()?.seed;
  return typeof configured === 'number' && Number.isSafeInteger(configured) ? configured : freshSeed();
}

// Results remember their conjecture, so that the matchers can print counterexamples readably.
const conjectureOf = new WeakMap<object, Conjecture<any>>();

/**
 * Searches a conjecture with the suite's seed (fast-check's configured one, else fresh); the
 * result goes to `expect(...).toBeRefuted()` or `.toSurvive()`.
 *
 * @example
 * expect(await search(myConjecture)).toBeRefuted();
 */
export async function search<T>(c: Conjecture<T>, options: SearchOptions = {}): Promise<SearchResult<T>> {
  const r = await searchConjecture(c, { seed: defaultSeed(), ...options });
  conjectureOf.set(r, c);
  return r;
}

/**
 * Searches `c` and throws, with the full report, unless the outcome is the one `c.expected` names.
 * `conjecture.test(c)` is a vitest test around it.
 *
 * @example
 * await expectExpectedOutcome(myConjecture); // throws when a 'holds' conjecture is refuted
 */
export async function expectExpectedOutcome<T>(c: Conjecture<T>, options: SearchOptions = {}): Promise<SearchResult<T>> {
  const r = await search(c, options);
  if (!matchesExpected(r)) {
    throw new Error(`${c.name}: expected ${c.expected === 'holds' ? 'it to hold (survive the search)' : 'a refutation'}, got ${r.verdict}\n${formatReport(c, r)}`);
  }
  return r;
}

function testConjecture<T>(c: Conjecture<T>, options: ConjectureTestOptions = {}): void {
  const { timeout = 120_000, ...searchOptions } = options;
  test(`${c.name} ${c.expected === 'holds' ? 'holds' : 'is refuted'}: ${c.statement}`, () => expectExpectedOutcome(c, searchOptions).then(() => undefined), timeout);
}

/**
 * `conjecture({...})` as in `rethink`, with `conjecture.test(c, options?)` to register a vitest
 * test that passes when the search's outcome equals `c.expected`.
 */
export const conjecture: typeof makeConjecture & { test: typeof testConjecture } = Object.assign(
  <T>(spec: ConjectureSpec<T>): Conjecture<T> => makeConjecture(spec),
  { test: testConjecture },
);

function describe(r: SearchResult): string {
  const c = conjectureOf.get(r);
  if (c) return formatReport(c, r);
  return `${r.name}: ${r.verdict}${r.verdict === 'refuted' ? ` — replay: ${r.replay}` : ''} (seed ${r.seed})`;
}

const isResult = (v: unknown): v is SearchResult => typeof v === 'object' && v !== null && 'verdict' in v && 'name' in v && 'seed' in v;

expect.extend({
  /** The search found a counterexample. */
  toBeRefuted(received: unknown) {
    if (!isResult(received)) return { pass: false, message: () => 'toBeRefuted expects the result of search(conjecture)' };
    return { pass: received.verdict === 'refuted', message: () => `expected ${received.name} ${this.isNot ? 'not ' : ''}to be refuted\n${describe(received)}` };
  },
  /** The search found no counterexample (and no error). */
  toSurvive(received: unknown) {
    if (!isResult(received)) return { pass: false, message: () => 'toSurvive expects the result of search(conjecture)' };
    return { pass: received.verdict === 'survived', message: () => `expected ${received.name} ${this.isNot ? 'not ' : ''}to survive\n${describe(received)}` };
  },
});

declare module 'vitest' {
  interface Matchers<T = any> {
    /** The search result is `refuted`. */
    toBeRefuted(): T;
    /** The search result is `survived`. */
    toSurvive(): T;
  }
}
