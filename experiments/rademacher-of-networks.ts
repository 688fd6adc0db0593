/**
 * The randomization test as a complexity estimate (Zhang et al. 2017, §2.2): the empirical Rademacher
 * complexity of a class H on n points is R̂ = E_σ sup_{h∈H} (1/n) Σ σ_i h(x_i) over random signs σ.
 * Training the network on random ±1 labels σ and reading its fitted correlation (1/n) Σ σ_i ĥ(x_i)
 * (= 1 − 2·training error for ±1 outputs) gives, for each draw, a member of H that reaches it: the
 * average over draws lower-bounds R̂ of the network class. The paper's point: it is ≈ 1, the largest
 * value possible, so Rademacher bounds say nothing for these networks — shown next to the
 * Rademacher module's estimates for a norm-bounded linear class and a kernel ball on the same points.
 */
import { compareClasses, loadDataset, mohriBound } from 'rethink';
import { MODEL_IDS, field, finished, mean, study, unfinishedText } from 'rethink/experiments';

export default study({
  id: 'rademacher-of-networks',
  title: 'The randomization test as a Rademacher complexity: networks reach the maximum, 1',
  paper: 'Zhang et al. 2017, §2.2',
  summary: 'Random ±1 labels over several draws: the fitted correlation lower-bounds the empirical Rademacher complexity of the network class; next to the estimates for a linear class and a kernel ball.',
  config: {
    model: field.choice('mlp-1x512', MODEL_IDS, 'the network (two outputs: classes 0/1 for σ = −1/+1)'),
    n: field.integer(500, 'points (a stratified seeded MNIST subset)', { min: 1 }),
    testN: field.integer(1000, 'test images (their labels are random signs too: the error is chance, 50%)', { min: 1 }),
    epochs: field.integer(150, 'epoch budget per draw (stops once fitted)', { min: 1 }),
    draws: field.integers([1, 2, 3, 4, 5], 'sign-vector draws σ: one run each, its seed drawing σ (and the initialisation)', { min: 0, max: 4294967295 }),
    subsetSeed: field.integer(1, 'the seed of the point subset shared by the comparison classes', { min: 0, max: 4294967295 }),
    compareDraws: field.integer(200, 'Monte Carlo sign vectors for the comparison classes', { min: 1 }),
  },
  full: { n: 50_000, model: 'small-inception', epochs: 300, compareDraws: 20 },
  runs: (c) =>
    c.draws.map((seed) => ({
      name: `random signs, draw ${seed}`,
      fit: { model: c.model, randomization: 'random-signs' as const, n: c.n, testN: c.testN, epochs: c.epochs, seed },
      tags: { draw: seed },
    })),
  analyze: (c, data) => {
    // The Rademacher module on the same kind of points (pixels / 255): a linear class and a kernel ball,
    // each with the generalization gap its R̂ allows (the module's `rethink rademacher --compare`).
    const X = loadDataset({ source: data.source, ...(data.dataDir !== null ? { dataDir: data.dataDir } : {}), n: Math.min(c.n, 2000), seed: c.subsetSeed, test: false }).matrix('train', { unit: true });
    return { classes: compareClasses(X, { seed: c.subsetSeed, draws: c.compareDraws }) };
  },
  claims: [
    {
      name: 'networks fit random signs: the lower bound on R̂ of the network class (mean fitted correlation)',
      paper: { where: '§2.2', text: 'networks fit random labels, so their empirical Rademacher complexity is ≈ 1, its maximum', value: 1 },
      unit: 'number',
      measure: (runs) => {
        const done = finished(runs);
        if (done.length < runs.length) return { value: null, text: `${runs.length - done.length} of ${runs.length} draws not finished ${unfinishedText(runs)}` };
        const corr = done.map((r) => 1 - 2 * r.result.trainError);
        return { value: mean(corr), text: `fitted correlation per draw: ${corr.map((x) => x.toFixed(4)).join(', ')} (${done.length} of ${runs.length} draws)` };
      },
      tolerance: { atLeast: 0.98, why: 'R̂ ≤ 1 always; a lower bound of 0.98 leaves at most 1% of the points unfitted on average — "≈ 1" in the paper\'s sense' },
      scale: { profiles: ['quick', 'full'], text: 'MLP 1×512 on 500 MNIST points' },
    },
    {
      name: 'the Rademacher bound it implies is vacuous (gap of Mohri et al.\'s Thm 3.3 at training error 0)',
      paper: { where: '§2.2', text: 'with R̂ ≈ 1 the bound exceeds 1 for any training error: it says nothing', value: null },
      unit: 'number',
      measure: (runs, c) => {
        const done = finished(runs);
        if (done.length < runs.length) return { value: null, text: `${runs.length - done.length} of ${runs.length} draws not finished ${unfinishedText(runs)}` };
        const lower = mean(done.map((r) => 1 - 2 * r.result.trainError));
        const b = mohriBound(0, lower, c.n, 0.05);
        return { value: b.gap, text: `2·R̂ + 3√(ln(2/δ)/2n) with R̂ ≥ ${lower.toFixed(4)}, n = ${c.n}, δ = 0.05: gap ≥ ${b.gap.toFixed(3)}` };
      },
      tolerance: { atLeast: 1, why: 'a bound on a 0–1 loss is vacuous once its gap reaches 1' },
      scale: { profiles: ['quick', 'full'], text: 'any n at which the network fits the signs' },
    },
    {
      name: 'a norm-bounded linear class on the same points is far from 1 (its R̂ estimate)',
      paper: { where: '§2.2', text: 'classes whose bounds are informative have small R̂ (here: linear, ‖w‖ ≤ 1/max‖x‖)', value: null },
      unit: 'number',
      measure: (_runs, _c, analysis) => {
        const classes = (analysis.classes ?? []) as { class: string; estimate: number; halfWidth: number }[];
        const linear = classes.find((k) => k.class.startsWith('linear'));
        return linear === undefined ? { value: null, text: 'no comparison computed' } : { value: linear.estimate, text: classes.map((k) => `${k.class}: ${k.estimate.toFixed(4)} ± ${k.halfWidth.toFixed(4)}`).join('; ') };
      },
      tolerance: { atMost: 0.2, why: 'for ‖w‖ ≤ 1/max‖x‖, R̂ ≤ √(Σ‖x_i‖²)/(n·max‖x‖) ≤ 1/√n (0.045 at n = 500); 0.2 separates it from 1 by a wide margin' },
      scale: { profiles: ['quick', 'full'], text: 'any n ≥ 25' },
    },
  ],
  tables: (runs, c, analysis) => {
    const classes = (analysis.classes ?? []) as { class: string; estimate: number; halfWidth: number; mohriGap: number; vacuous: boolean }[];
    const done = finished(runs);
    const lower = done.length > 0 ? mean(done.map((r) => 1 - 2 * r.result.trainError)) : null;
    return [
      {
        title: `Empirical Rademacher complexity on ${c.n} points`,
        columns: ['class', 'R̂', '± (95%)', 'generalization gap (Mohri et al.)', 'vacuous'],
        rows: [
          ...classes.map((k) => [k.class, Number(k.estimate.toFixed(4)), Number(k.halfWidth.toFixed(4)), Number(k.mohriGap.toFixed(3)), k.vacuous ? 'yes' : 'no']),
          [`${c.model} (trained on ${done.length} sign draws: a lower bound)`, lower === null ? null : Number(lower.toFixed(4)), '—', lower === null ? null : Number(mohriBound(0, lower, c.n, 0.05).gap.toFixed(3)), lower !== null && mohriBound(0, lower, c.n, 0.05).gap >= 1 ? 'yes' : 'no'],
        ],
      },
    ];
  },
});
