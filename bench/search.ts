/**
 * `npm run bench -- search`: for every built-in conjecture expected to be refuted, the rate at which
 * its default budget refutes it over 100 seeds, and the median time and runs to the first failing
 * input, with the targeted phase and without it (random search only, same budget).
 */
import { BUILTIN_CONJECTURES } from '../src/conjectures/builtins/index.js';
import { search } from '../src/conjectures/search.js';
import type { Bench } from './harness.js';

const SEEDS = 100;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

interface Tally {
  refuted: number;
  targetedFinds: number;
  ms: number[];
  runs: number[];
}

export const searchBench: Bench = {
  description: `counterexample search: refutation rate of each refuted built-in within its default budget over ${SEEDS} seeds, and median time/runs to the first failure, with and without targeting`,
  async run() {
    const rows: Record<string, string | number | null>[] = [];
    const onlyWithTargeting: string[] = [];
    const belowTarget: string[] = [];
    for (const c of BUILTIN_CONJECTURES.filter((k) => k.expected === 'refuted')) {
      const modes = c.score ? ([true, false] as const) : ([false] as const);
      const tallies = new Map<boolean, Tally>();
      for (const target of modes) {
        const t: Tally = { refuted: 0, targetedFinds: 0, ms: [], runs: [] };
        for (let seed = 1; seed <= SEEDS; seed++) {
          const r = await search(c, { seed, target, store: null });
          if (r.verdict !== 'refuted') continue;
          t.refuted++;
          if (r.phase === 'targeted') t.targetedFinds++;
          if (r.firstFailure) {
            t.ms.push(r.firstFailure.ms);
            t.runs.push(r.firstFailure.run);
          }
        }
        tallies.set(target, t);
      }
      const withT = tallies.get(true) ?? null;
      const without = tallies.get(false) as Tally;
      rows.push({
        conjecture: c.name,
        budget: c.numRuns,
        kind: c.empirical ? 'empirical' : c.score ? 'scored' : 'no score',
        'refuted (target)': withT ? `${withT.refuted}/${SEEDS}` : '—',
        'refuted (random)': `${without.refuted}/${SEEDS}`,
        'found in targeted phase': withT ? withT.targetedFinds : null,
        'median ms to 1st failure (target)': withT ? median(withT.ms) : null,
        'median ms (random)': median(without.ms),
        'median runs to 1st failure (target)': withT ? median(withT.runs) : null,
        'median runs (random)': median(without.runs),
      });
      const best = withT ?? without;
      if (best.refuted < 99) belowTarget.push(`${c.name} (${best.refuted}/${SEEDS})`);
      if (withT && withT.refuted >= 99 && without.refuted < 99) onlyWithTargeting.push(`${c.name} (${withT.refuted}/${SEEDS} with targeting, ${without.refuted}/${SEEDS} without)`);
    }
    const notes = [
      `seeds 1…${SEEDS}; each search uses the conjecture's default budget (half random runs, half targeted when it has a score; all random without targeting); the store is off`,
      `refuted within budget only with targeting: ${onlyWithTargeting.length > 0 ? onlyWithTargeting.join('; ') : 'none'}`,
      belowTarget.length > 0 ? `below the 99/${SEEDS} target: ${belowTarget.join('; ')}` : `every refuted built-in reaches ≥ 99/${SEEDS}`,
      'times are wall-clock on a shared machine; runs to the first failure are exact',
    ];
    return { rows, notes };
  },
};
