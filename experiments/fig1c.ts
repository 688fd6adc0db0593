/**
 * Figure 1c of Zhang et al. 2017 (§2): test error against the label-corruption level p for networks
 * trained to zero training error. The paper's point: the same network, same settings, fits every
 * level — and its test error rises steadily to chance (90% for 10 classes) at p = 1, so what the
 * network can fit says nothing about how it generalizes.
 *
 * Test error is reported against the CLEAN test labels (the paper's reading; every claim below uses
 * it) and, named separately, against test labels corrupted the same way as the training labels (what
 * one public reproduction reports as "test error"; at p = 1 both are chance).
 *
 * Run it: `rethink reproduce --only fig1c` (its runs are fig1b's MLP runs: planned once).
 */
import { MODEL_IDS, field, finished, labelsAtCorruption, mean, spearman, study, unfinishedText } from 'rethink/experiments';

export default study({
  id: 'fig1c',
  title: 'Figure 1c: test error rises to chance as labels are corrupted, with training error 0',
  paper: 'Zhang et al. 2017, Fig. 1c',
  summary: 'Test error (clean test labels; corrupted test labels shown too) against the corruption level p, each run trained to 100% training accuracy.',
  config: {
    model: field.choice('mlp-1x512', MODEL_IDS, 'the network'),
    n: field.integer(500, 'training images per run', { min: 1 }),
    testN: field.integer(10_000, 'test images: ±3 points at p = 1 needs a few thousand (standard error ≈ 0.3 points at 10,000)', { min: 1 }),
    epochs: field.integer(150, 'epoch budget (stops once fitted)', { min: 1 }),
    ps: field.numbers([0, 0.2, 0.4, 0.6, 0.8, 1], 'corruption levels p', { min: 0, max: 1 }),
    seeds: field.integers([1, 2, 3], 'seeds per level', { min: 0, max: 4294967295 }),
  },
  full: { model: 'small-inception', n: 50_000, epochs: 300 },
  runs: (c) =>
    c.seeds.flatMap((seed) =>
      [...c.ps].sort((a, b) => a - b).map((p) => ({
        name: `${c.model} p=${p} seed ${seed}`,
        fit: { model: c.model, ...labelsAtCorruption(p), n: c.n, testN: c.testN, epochs: c.epochs, seed },
        tags: { arm: 'mlp', model: c.model, p, seed },
      })),
    ),
  claims: [
    {
      name: 'every level is fitted: training error 0',
      paper: { where: 'Fig. 1c', text: 'the test errors are those of networks with 100% training accuracy at every p', value: 1 },
      unit: 'percent',
      measure: (runs) => {
        const done = finished(runs);
        if (done.length < runs.length) return { value: null, text: unfinishedText(runs) };
        const worst = Math.max(...done.map((r) => r.result.trainError));
        return { value: 1 - worst, text: `lowest training accuracy ${(100 * (1 - worst)).toFixed(2)}% over ${done.length} runs` };
      },
      tolerance: { atLeast: 1, why: 'exact: each run stops at 100% on a full re-evaluation of its training set' },
      scale: { profiles: ['quick', 'full'], text: 'MLP 1×512 on 500 MNIST images fits every p within 150 epochs' },
    },
    {
      name: 'test error rises with p (Spearman ρ of p and the mean test error, clean test labels)',
      paper: { where: 'Fig. 1c', text: 'test error rises steadily from the true-label error to ≈ 90% at p = 1', value: 1 },
      unit: 'number',
      measure: (runs) => {
        const ps = [...new Set(finished(runs).map((r) => r.tags.p as number))].sort((a, b) => a - b);
        const errs = ps.map((p) => mean(finished(runs, { p }).map((r) => r.result.testError)));
        if (ps.length < 3) return { value: null, text: `fewer than 3 levels finished ${unfinishedText(runs)}` };
        return { value: spearman(ps, errs), text: `mean test error per p: ${ps.map((p, i) => `${p}: ${(100 * (errs[i] as number)).toFixed(1)}%`).join(', ')}` };
      },
      tolerance: { atLeast: 0.9, why: 'the curve should be monotone; ρ ≥ 0.9 allows one adjacent swap among six levels (≈ 0.94), not a flat curve' },
      scale: { profiles: ['quick', 'full'], text: 'on 500 MNIST images the test error goes from ≈ 15% (p = 0) to ≈ 90% (p = 1)' },
    },
    {
      name: 'at p = 1 the test error is chance, within ±3 points (clean test labels)',
      paper: { where: 'Fig. 1c, Table 1', text: 'random labels: 89.4–90.2% test error (Table 1: test accuracy 9.78–10.61%)', value: 0.9 },
      unit: 'percent',
      measure: (runs) => {
        const at1 = finished(runs, { p: 1 });
        if (at1.length === 0) return { value: null, text: `no p = 1 run finished ${unfinishedText(runs)}` };
        const clean = mean(at1.map((r) => r.result.testError));
        const corrupted = mean(at1.map((r) => r.result.testErrorCorruptedLabels ?? NaN));
        return { value: clean, text: `mean test error at p = 1: ${(100 * clean).toFixed(1)}% on clean test labels, ${(100 * corrupted).toFixed(1)}% on corrupted ones, ${at1.length} seeds` };
      },
      tolerance: { atLeast: 0.87, atMost: 0.93, why: 'chance is 90% for 10 balanced classes; ±3 points is ≈ 10 standard errors of a 10,000-image test set, and covers the paper\'s own spread (89.4–90.2%)' },
      scale: { profiles: ['quick', 'full'], text: 'any n: a network trained on random labels predicts test labels at chance' },
    },
  ],
  plots: (runs) => [
    {
      name: 'figure1c',
      title: 'Fig. 1c: test error against label corruption (training error 0)',
      spec: {
        width: 480,
        height: 300,
        data: { values: finished(runs).flatMap((r) => [{ p: r.tags.p, seed: r.tags.seed, labels: 'clean test labels', error: r.result.testError }, ...(r.result.testErrorCorruptedLabels !== null ? [{ p: r.tags.p, seed: r.tags.seed, labels: 'corrupted test labels', error: r.result.testErrorCorruptedLabels }] : [{ p: r.tags.p, seed: r.tags.seed, labels: 'corrupted test labels', error: r.result.testError }])]) },
        layer: [
          { mark: { type: 'point', opacity: 0.5 }, encoding: { x: { field: 'p', type: 'quantitative', title: 'label corruption p' }, y: { field: 'error', type: 'quantitative', title: 'test error', scale: { domain: [0, 1] }, axis: { format: '%' } }, color: { field: 'labels', type: 'nominal', title: null } } },
          { mark: { type: 'line' }, encoding: { x: { field: 'p', type: 'quantitative' }, y: { aggregate: 'mean', field: 'error', type: 'quantitative' }, color: { field: 'labels', type: 'nominal' } } },
          { data: { values: [{ chance: 0.9 }] }, mark: { type: 'rule', strokeDash: [4, 4], color: 'grey' }, encoding: { y: { field: 'chance', type: 'quantitative' } } },
        ],
      },
    },
  ],
});
