/**
 * Figure 1b of Zhang et al. 2017 (§2): the time to reach 100% training accuracy, relative to true
 * labels, against the label-corruption level p (each label replaced with probability p by a uniform
 * class, drawn once). The paper's point: fitting noise is slower, but only by a small constant
 * factor, and the slowdown grows with p. Several seeds per point; the plot shows each seed.
 *
 * Run it: `rethink reproduce --only fig1b`. Copy it and run `rethink experiment ./my-fig1b.ts`.
 */
import { MODEL_IDS, field, finished, labelsAtCorruption, median, spearman, study, unfinishedText, type RunOutcome, type RunSpec } from 'rethink/experiments';

/** Steps to fit at p over steps to fit at p = 0 for the same model and seed (null when either did not fit). */
function slowdowns(runs: readonly RunOutcome[], arm: string): { p: number; seed: number; slowdown: number }[] {
  const done = finished(runs, { arm });
  return done.flatMap((r) => {
    const ref = done.find((x) => x.tags.p === 0 && x.tags.seed === r.tags.seed);
    if (ref?.result.stepsToFit == null || r.result.stepsToFit === null) return [];
    return [{ p: r.tags.p as number, seed: r.tags.seed as number, slowdown: r.result.stepsToFit / ref.result.stepsToFit }];
  });
}

/**
 * Why an arm's slowdowns cannot be judged: a run not finished, or finished without fitting (its
 * slowdown is then only bounded below, and leaving it out would bias every claim). Null when every
 * run of the arm fitted.
 */
function unfitted(runs: readonly RunOutcome[], arm: string): string | null {
  const rs = runs.filter((r) => r.tags.arm === arm);
  const open = rs.filter((r) => r.status !== 'finished' || r.result?.stepsToFit == null);
  if (open.length === 0) return null;
  return `${open.length} of ${rs.length} runs did not fit within their budget (${open.slice(0, 3).map((r) => `${r.name}: ${r.status === 'finished' ? 'not fitted' : r.status}`).join('; ')}${open.length > 3 ? '; …' : ''}): their slowdowns are only bounded below`;
}

/** The median slowdown per p. */
function byP(points: readonly { p: number; slowdown: number }[]): { p: number; slowdown: number }[] {
  return [...new Set(points.map((x) => x.p))].sort((a, b) => a - b).map((p) => ({ p, slowdown: median(points.filter((x) => x.p === p).map((x) => x.slowdown)) }));
}

export default study({
  id: 'fig1b',
  title: 'Figure 1b: time to fit grows with label corruption, by a small factor',
  paper: 'Zhang et al. 2017, Fig. 1b',
  summary: 'Steps until 100% training accuracy, relative to true labels, against the corruption level p, for an MLP and a conv net, several seeds each.',
  config: {
    model: field.choice('mlp-1x512', MODEL_IDS, 'the fully connected network (the paper: MLP 1×512, next to AlexNet and Inception)'),
    n: field.integer(500, 'training images per MLP run (a stratified seeded subset)', { min: 1 }),
    testN: field.integer(10_000, 'test images evaluated at the end of each MLP run', { min: 1 }),
    epochs: field.integer(150, 'epoch budget of each MLP run (it stops once fitted)', { min: 1 }),
    ps: field.numbers([0, 0.2, 0.4, 0.6, 0.8, 1], 'label-corruption levels p (0 is added if missing: it is the reference)', { min: 0, max: 1 }),
    seeds: field.integers([1, 2, 3], 'seeds of the MLP runs (subset, labels, initialisation, batch order)', { min: 0, max: 4294967295 }),
    convModel: field.choice('small-alexnet', MODEL_IDS, 'the conv net (small AlexNet: the cheapest of the paper\'s conv nets)'),
    convN: field.integer(40, 'training images per conv run: a conv step costs ≈ 55× an MLP step on the CPU, so the quick profile keeps this small', { min: 1 }),
    convTestN: field.integer(1000, 'test images per conv run', { min: 1 }),
    convEpochs: field.integer(150, 'epoch budget of each conv run', { min: 1 }),
    convPs: field.numbers([1], 'corruption levels of the conv runs (p = 0, the reference, is always run): one conv run costs ≈ 4 min on a busy 2-core machine', { min: 0, max: 1 }),
    convSeeds: field.integers([1], 'seeds of the conv runs', { min: 0, max: 4294967295 }),
  },
  // The paper's scale: all 50,000 CIFAR-10 images, Inception and AlexNet next to the MLP, 3 seeds each.
  full: { n: 50_000, convN: 50_000, convModel: 'small-inception', epochs: 300, convEpochs: 300, convPs: [0, 0.2, 0.4, 0.6, 0.8, 1], convSeeds: [1, 2, 3], convTestN: 10_000 },
  runs: (c) => {
    const arm = (name: 'mlp' | 'conv', model: string, n: number, testN: number, epochs: number, ps: readonly number[], seeds: readonly number[]): RunSpec[] =>
      seeds.flatMap((seed) =>
        [...new Set([0, ...ps])].sort((a, b) => a - b).map((p) => ({
          name: `${model} p=${p} seed ${seed}`,
          fit: { model: model as (typeof MODEL_IDS)[number], ...labelsAtCorruption(p), n, testN, epochs, seed },
          tags: { arm: name, model, p, seed },
        })),
      );
    return [...arm('mlp', c.model, c.n, c.testN, c.epochs, c.ps, c.seeds), ...arm('conv', c.convModel, c.convN, c.convTestN, c.convEpochs, c.convPs, c.convSeeds)];
  },
  claims: [
    {
      name: 'MLP: every corruption level is slower to fit than true labels (smallest median slowdown over p > 0)',
      paper: { where: 'Fig. 1b', text: 'every curve lies above 1 for p > 0: corrupted labels always take longer to fit than true ones', value: null },
      unit: 'ratio',
      measure: (runs) => {
        const open = unfitted(runs, 'mlp');
        if (open !== null) return { value: null, text: open };
        const curve = byP(slowdowns(runs, 'mlp')).filter((x) => x.p > 0);
        if (curve.length === 0) return { value: null, text: `no corrupted level fitted with its p = 0 reference ${unfinishedText(runs)}` };
        return { value: Math.min(...curve.map((x) => x.slowdown)), text: `median slowdown per p: ${curve.map((x) => `${x.p}: ${x.slowdown.toFixed(2)}×`).join(', ')}` };
      },
      tolerance: { atLeast: 1.2, why: 'slower by a margin beyond the seed-to-seed spread of steps to fit (≈ ±10%)' },
      scale: { profiles: ['quick', 'full'], text: 'MLP 1×512 on 500 MNIST images, 3 seeds: true labels fit in ≈ 68 steps, every corrupted level in ≈ 140–180' },
    },
    {
      name: 'MLP: the slowdown grows with p (Spearman ρ of p and the median slowdown)',
      paper: { where: 'Fig. 1b', text: 'for each model the relative time to fit rises with p, from 1 at p = 0 to its largest at p = 1', value: 1 },
      unit: 'number',
      measure: (runs) => {
        const open = unfitted(runs, 'mlp');
        if (open !== null) return { value: null, text: open };
        const curve = byP(slowdowns(runs, 'mlp'));
        if (curve.length < 3) return { value: null, text: `fewer than 3 corruption levels fitted ${unfinishedText(runs)}` };
        return { value: spearman(curve.map((x) => x.p), curve.map((x) => x.slowdown)), text: `median slowdown per p: ${curve.map((x) => `${x.p}: ${x.slowdown.toFixed(2)}×`).join(', ')}` };
      },
      tolerance: { atLeast: 0.8, why: 'the paper\'s curves are monotone (ρ = 1); ρ ≥ 0.8 allows two adjacent swaps among six levels, not a flat or falling curve' },
      scale: {
        profiles: ['full'],
        text: 'the paper\'s n (50,000 images): there the steps to fit grow with the number of wrong labels to memorise. On 500 images the time to fit is set by memorising the last few mislabelled examples, and it jumps from ≈ 68 steps at p = 0 to a plateau of ≈ 140–180 for every p ≥ 0.2 (measured, 3 seeds): ρ is then near 0 — reported at the quick profile, not expected',
      },
    },
    {
      name: 'MLP: random labels cost only a small constant factor (median slowdown at p = 1)',
      paper: { where: 'Fig. 1b, §2', text: '"fitting random labels only increases training time by a small constant factor": read off Fig. 1b, between about 1.5× and 4× at p = 1 depending on the model', value: null },
      unit: 'ratio',
      measure: (runs) => {
        const open = unfitted(runs, 'mlp');
        if (open !== null) return { value: null, text: open };
        const at1 = slowdowns(runs, 'mlp').filter((x) => x.p === 1).map((x) => x.slowdown);
        return at1.length === 0 ? { value: null, text: `no fitted p = 1 run with its p = 0 reference ${unfinishedText(runs)}` } : { value: median(at1), text: `slowdown at p = 1 per seed: ${at1.map((s) => `${s.toFixed(2)}×`).join(', ')}` };
      },
      tolerance: { atLeast: 1, atMost: 10, why: '"small constant factor": slower than true labels, but within an order of magnitude (the paper\'s models stay under 5×)' },
      scale: { profiles: ['quick', 'full'], text: 'measured 2.5× for MLP 1×512 on 500 MNIST images' },
    },
    {
      name: 'conv net: random labels are slower to fit, by a small factor (slowdown at p = 1)',
      paper: { where: 'Fig. 1b', text: 'small AlexNet and Inception: the time to fit random labels is a small multiple of the time for true labels', value: null },
      unit: 'ratio',
      measure: (runs) => {
        const open = unfitted(runs, 'conv');
        if (open !== null) return { value: null, text: open };
        const at1 = slowdowns(runs, 'conv').filter((x) => x.p === 1).map((x) => x.slowdown);
        return at1.length === 0 ? { value: null, text: `no fitted conv p = 1 run with its p = 0 reference ${unfinishedText(runs)}` } : { value: median(at1), text: `conv slowdown at p = 1 per seed: ${at1.map((s) => `${s.toFixed(2)}×`).join(', ')}; all conv points: ${slowdowns(runs, 'conv').map((x) => `p ${x.p} ${x.slowdown.toFixed(2)}×`).join(', ')}` };
      },
      tolerance: { atLeast: 1, atMost: 10, why: 'slower than true labels, within an order of magnitude' },
      scale: { profiles: ['quick', 'full'], text: 'small AlexNet on 40 MNIST images, one seed, at the quick profile (a conv step costs ≈ 55 MLP steps on 2 CPU cores); the paper\'s n at the full profile' },
    },
  ],
  plots: (runs) => {
    const points = ['mlp', 'conv'].flatMap((arm) => slowdowns(runs, arm).map((x) => ({ ...x, model: String(finished(runs, { arm })[0]?.tags.model ?? arm) })));
    return [
      {
        name: 'figure1b',
        title: 'Fig. 1b: steps to fit relative to true labels',
        spec: {
          width: 480,
          height: 300,
          data: { values: points },
          layer: [
            { mark: { type: 'point', opacity: 0.6 }, encoding: { x: { field: 'p', type: 'quantitative', title: 'label corruption p' }, y: { field: 'slowdown', type: 'quantitative', title: 'time to fit / true labels' }, color: { field: 'model', type: 'nominal', title: null } } },
            { mark: { type: 'line' }, encoding: { x: { field: 'p', type: 'quantitative' }, y: { aggregate: 'median', field: 'slowdown', type: 'quantitative' }, color: { field: 'model', type: 'nominal' } } },
          ],
        },
      },
    ];
  },
});
