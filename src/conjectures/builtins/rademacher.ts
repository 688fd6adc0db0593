/**
 * Built-in conjectures about empirical Rademacher complexity (Zhang et al. 2017, §2.2, Eq. 1):
 * laws that hold in expectation over σ but not for each σ, and Massart's bound. The exact ones
 * enumerate all 2^n sign vectors with the project's supremum oracles.
 */
import fc from 'fast-check';
import { finiteClassPredictions } from '../../arbitraries/index.js';
import type { Fraction } from '../../exact/fraction.js';
import { massartBound } from '../../rademacher/bounds.js';
import { exhaustiveRademacher } from '../../rademacher/estimate.js';
import { finiteClass } from '../../rademacher/oracles.js';
import { conjecture } from '../conjecture.js';
import { table } from '../format.js';

/** sup_h Σ_i σ_i h(x_i) of the finite class with predictions P at one σ, through the class's oracle. */
function supAt(P: number[][], sigma: number[]): number {
  return finiteClass(P).supBatch(Int8Array.from(sigma), 1)[0] as number;
}

/**
 * Hypotheses (rows of P) and one σ, generated point by point — each point carries its column of
 * hypothesis values and its sign — so that shrinking removes a point with everything about it.
 * The number of hypotheses is the shortest column.
 */
const classAndSigma = fc
  .array(fc.record({ column: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 4 }), s: fc.constantFrom(-1, 1) }), { minLength: 1, maxLength: 6 })
  .map((points) => {
    const N = Math.min(...points.map((p) => p.column.length));
    return { P: Array.from({ length: N }, (_, k) => points.map((p) => p.column[k] as number)), sigma: points.map((p) => p.s) };
  });

function showClass(P: number[][], sigma: number[], extra: Record<string, number[]> = {}): string {
  const n = sigma.length;
  const header = ['', ...Array.from({ length: n }, (_, i) => `x${i + 1}`)];
  return table(header, [
    ...P.map((h, k) => [`h${k + 1}`, ...h.map(String)]),
    ...Object.entries(extra).map(([name, row]) => [name, ...row.map(String)]),
    ['σ', ...sigma.map((s) => (s > 0 ? '+1' : '-1'))],
  ]);
}

const abs = (t: number) => Math.abs(t);

/** sup Σσ|h| − sup Σσh at one σ: positive where contraction fails for this σ. */
function contractionExcess({ P, sigma }: { P: number[][]; sigma: number[] }): number {
  return supAt(P.map((h) => h.map(abs)), sigma) - supAt(P, sigma);
}
const ramp = (t: number) => Math.max(t, 0) - 2 * Math.max(t - 1, 0);

/** Talagrand's contraction, per sign vector: false. */
export const contractionPerSigma = conjecture({
  name: 'contraction-per-sigma',
  statement: 'for every finite class F, 1-Lipschitz φ (here φ = |·|) and every sign vector σ: sup_h Σ σ_i φ(h(x_i)) ≤ sup_h Σ σ_i h(x_i)',
  source: 'Talagrand\'s contraction lemma (Ledoux & Talagrand 1991, Thm 4.12; Shalev-Shwartz & Ben-David 2014, Lemma 26.9) holds in expectation over σ; this reads it for each σ',
  expected: 'refuted',
  numRuns: 200,
  arbitrary: classAndSigma,
  predicate: (s) => contractionExcess(s) <= 0,
  score: contractionExcess,
  show: ({ P, sigma }) => `${showClass(P, sigma)}\nsup Σσ|h| = ${supAt(P.map((h) => h.map(abs)), sigma)} > sup Σσh = ${supAt(P, sigma)}`,
});

/** The exact value E_σ sup_h (1/n) Σ σ_i h(x_i) (all 2^n sign vectors). */
function exactRademacher(P: number[][]): Fraction {
  return exhaustiveRademacher(finiteClass(P)).exact as Fraction;
}

/** R̂(φ∘F) − ρ·R̂(F) for φ = ρ·ψ, exactly. */
function expectedContractionExcess({ cls, psi, rho }: { cls: { P: number[][] }; psi: 'abs' | 'ramp'; rho: number }): Fraction {
  const f = psi === 'abs' ? abs : ramp;
  return exactRademacher(cls.P.map((h) => h.map((v) => rho * f(v)))).sub(exactRademacher(cls.P).mul(rho));
}

/** Talagrand's contraction in expectation: holds, decided exactly. */
export const contractionInExpectation = conjecture({
  name: 'contraction-in-expectation',
  statement: 'for every finite class F on n ≤ 6 points and ρ-Lipschitz φ = ρ·ψ (ψ = |·| or a ramp, ρ ∈ {1, 2, 3}): R̂(φ∘F) ≤ ρ·R̂(F), computed exactly over all 2^n sign vectors',
  source: 'Ledoux & Talagrand 1991, Thm 4.12; Shalev-Shwartz & Ben-David 2014, Lemma 26.9 (R̂ as in Zhang et al. 2017, Eq. 1)',
  expected: 'holds',
  numRuns: 100,
  arbitrary: fc.record({ cls: finiteClassPredictions(6, 4), psi: fc.constantFrom('abs' as const, 'ramp' as const), rho: fc.integer({ min: 1, max: 3 }) }),
  predicate: (s) => expectedContractionExcess(s).compare(0) <= 0,
  score: (s) => Number(expectedContractionExcess(s).valueOf()),
  show: ({ cls, psi, rho }) => `φ = ${rho}·${psi}\n${table(['', ...Array.from({ length: cls.n }, (_, i) => `x${i + 1}`)], cls.P.map((h, k) => [`h${k + 1}`, ...h.map(String)]))}`,
  classify: ({ cls }) => `n = ${cls.n}`,
});

/** As {@link classAndSigma}, each point also carrying h₀'s value there. */
const classShiftSigma = fc
  .array(
    fc.record({ column: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 4 }), h0: fc.integer({ min: -3, max: 3 }), s: fc.constantFrom(-1, 1) }),
    { minLength: 1, maxLength: 6 },
  )
  .map((points) => {
    const N = Math.min(...points.map((p) => p.column.length));
    return { P: Array.from({ length: N }, (_, k) => points.map((p) => p.column[k] as number)), h0: points.map((p) => p.h0), sigma: points.map((p) => p.s) };
  });

/** sup_h Σ σ_i (h + h₀)(x_i). */
function shiftedSup({ P, h0, sigma }: { P: number[][]; h0: number[]; sigma: number[] }): number {
  return supAt(P.map((h) => h.map((v, i) => v + (h0[i] as number))), sigma);
}

/** Translation invariance per σ: false (Σ σ_i h₀(x_i) averages to 0 only over σ). */
export const translationPerSigma = conjecture({
  name: 'translation-per-sigma',
  statement: 'for every finite class F, fixed function h₀ and every sign vector σ: sup_h Σ σ_i (h + h₀)(x_i) = sup_h Σ σ_i h(x_i)',
  source: 'R̂(F + h₀) = R̂(F) (Shalev-Shwartz & Ben-David 2014, Lemma 26.6) holds in expectation over σ, since E Σ σ_i h₀(x_i) = 0; this reads it for each σ',
  expected: 'refuted',
  numRuns: 200,
  arbitrary: classShiftSigma,
  predicate: (s) => shiftedSup(s) === supAt(s.P, s.sigma),
  score: (s) => Math.abs(shiftedSup(s) - supAt(s.P, s.sigma)) - 0.5,
  show: (s) => `${showClass(s.P, s.sigma, { h0: s.h0 })}\nsup Σσ(h + h₀) = ${shiftedSup(s)} ≠ sup Σσh = ${supAt(s.P, s.sigma)}`,
});

/** Massart's finite-class lemma: holds (checked against the exact value, with a float tolerance for the bound's √ and ln). */
export const massart = conjecture({
  name: 'massart',
  statement: 'for every finite class of N hypotheses on n ≤ 8 points: R̂(F) ≤ max_h ‖h − h̄‖₂ · √(2 ln N) / n (R̂ exact over all 2^n sign vectors; the bound in float64, relative tolerance 1e-12)',
  source: 'Massart 2000, Lemma 5.2; Shalev-Shwartz & Ben-David 2014, Lemma 26.8 (R̂ as in Zhang et al. 2017, Eq. 1)',
  expected: 'holds',
  numRuns: 150,
  arbitrary: finiteClassPredictions(8, 5),
  predicate: ({ P }) => exhaustiveRademacher(finiteClass(P)).value <= massartBound(P) * (1 + 1e-12) + 1e-12,
  score: ({ P }) => exhaustiveRademacher(finiteClass(P)).value - massartBound(P),
  show: ({ n, P }) => table(['', ...Array.from({ length: n }, (_, i) => `x${i + 1}`)], P.map((h, k) => [`h${k + 1}`, ...h.map(String)])),
  classify: ({ n, P }) => `n = ${n}, N = ${P.length}`,
});
