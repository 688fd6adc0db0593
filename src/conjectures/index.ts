/**
 * Conjectures about generalization as searchable, targetable, shrinkable, replayable properties.
 *
 * @example
 * import { conjecture, search, fc, arbitraries } from 'rethink';
 * const c = conjecture({
 *   name: 'gap-bound',
 *   statement: 'points 0.5 apart have no two within 0.4',
 *   arbitrary: arbitraries.pointsWithMinGap({ minGap: 0.5, d: 2 }),
 *   predicate: (X) => X.every((p, i) => X.every((q, j) => i === j || Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!) >= 0.4)),
 * });
 * (await search(c, { seed: 1 })).verdict; // 'survived'
 */
export { conjecture, isConjecture, DEFAULT_RUNS, type Conjecture, type ConjectureSpec, type Expected } from './conjecture.js';
export { search, type SearchOptions } from './search.js';
export { matchesExpected, type SearchResult, type Refuted, type Survived, type SearchError, type Phase, type Coverage } from './result.js';
export { BUILTIN_CONJECTURES, builtinConjecture } from './builtins/index.js';
export { pointsTable, table, showValue, toJsonSafe } from './format.js';
export { DEFAULT_STORE } from './store.js';
export { loadConjecture } from './load.js';
export { formatReport, reportJson } from './report.js';
