import { fraction } from 'mathjs';
import type { Fraction } from '../../src/exact/fraction.js';
import type { SupOracle } from '../../src/rademacher/oracles.js';
import { signVectors } from '../../src/rademacher/signs.js';

/** Every sign vector of length n, (2^n, n), in the order exhaustiveRademacher enumerates them. */
export function allSigns(n: number): Int8Array {
  return signVectors(n, 0, 2 ** n);
}

/** sup values for all 2^n sign vectors. */
export function supsOverAll(oracle: SupOracle): Float64Array {
  return oracle.supBatch(allSigns(oracle.n), 2 ** oracle.n);
}

/** The sups of an oracle at −σ, for every σ (in the order of allSigns). */
export function supsAtMinusSigma(oracle: SupOracle): Float64Array {
  const n = oracle.n;
  return oracle.supBatch(Int8Array.from(allSigns(n), (s) => -s), 2 ** n);
}

/** E_σ sup (1/n)Σσh exactly, from integer sups. */
export function exactMean(sups: Float64Array, n: number): Fraction {
  let s = 0n;
  for (const v of sups) s += BigInt(v);
  return fraction(s, BigInt(n) * BigInt(sups.length));
}

/**
 * The smallest k with P(Binomial(trials, p) > k) ≤ alpha: how many failures of a "probability ≥ 1 − p"
 * statement a correct implementation shows in `trials` independent trials, except with probability alpha.
 */
export function binomialUpperQuantile(trials: number, p: number, alpha: number): number {
  let logP = trials * Math.log1p(-p); // log P(X = 0)
  let cdf = Math.exp(logP);
  let k = 0;
  while (1 - cdf > alpha && k < trials) {
    logP += Math.log((trials - k) / (k + 1)) + Math.log(p) - Math.log1p(-p);
    k++;
    cdf += Math.exp(logP);
  }
  return k;
}

/** The finite class that a 1-D family induces on the sample: one ±1 row per distinct behaviour. */
export function brute(x: number[], family: 'thresholds' | 'two-sided' | 'intervals'): number[][] {
  const cuts = [...new Set(x)].sort((a, b) => a - b);
  const ts = [cuts[0]! - 1, ...cuts, cuts[cuts.length - 1]! + 1]; // every behaviour of x ≥ t
  const rows: number[][] = [];
  if (family !== 'intervals') {
    for (const t of ts) {
      rows.push(x.map((v) => (v >= t ? 1 : -1)));
      if (family === 'two-sided') rows.push(x.map((v) => (v >= t ? -1 : 1)));
    }
  } else {
    rows.push(x.map(() => -1)); // the empty interval
    for (const a of cuts) for (const b of cuts) if (a <= b) rows.push(x.map((v) => (v >= a && v <= b ? 1 : -1)));
  }
  return rows;
}
