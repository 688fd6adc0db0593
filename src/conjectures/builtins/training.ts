/**
 * Built-in conjectures decided by training (empirical): the training engine (`rethink/training`)
 * on tiny problems with a fixed budget. A refutation here is a certificate — a network that reached
 * 100% training accuracy — while a survival only says the budget was not enough.
 */
import fc from 'fast-check';
import { Rng } from '../../random/rng.js';
import { conjecture } from '../conjecture.js';
import { table } from '../format.js';

const STEPS = 300;
const BUDGET = `≤ ${STEPS} full-batch SGD steps (momentum 0.9, η = 0.05) of MLP 1×512 on the wasm backend`;

/** A tiny random-label problem: n Gaussian 4×4 "images" with uniform labels in 0 … 9, and λ. */
const randomLabelProblem = fc.record({
  n: fc.integer({ min: 16, max: 64 }),
  weightDecay: fc.constantFrom(5e-4, 1e-3, 5e-3),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

type Problem = { n: number; weightDecay: number; seed: number };

/** Trains MLP 1×512 with weight decay on random labels; the training error and steps to fit. */
async function trainWithDecay({ n, weightDecay, seed }: Problem): Promise<{ trainError: number; stepsToFit: number | null }> {
  // The engine loads only when a training conjecture runs (tfjs is heavy).
  const { startBackend, buildModel, train } = await import('../../training/index.js');
  await startBackend('wasm');
  const rng = new Rng(seed).fork('random-labels');
  const images = Float32Array.from({ length: n * 16 }, () => rng.gaussian()); // (n, 4, 4, 1)
  const labels = Uint8Array.from({ length: n }, () => rng.int(10));
  const model = buildModel('mlp-1x512', [4, 4, 1], { seed, classes: 10 });
  try {
    const r = await train(
      model,
      { images, labels, n, shape: [4, 4, 1], classes: 10 },
      { lr: 0.05, momentum: 0.9, batchSize: n, decay: 1, decaySteps: STEPS, weightDecay, dropout: 0, cropPad: 0, epochs: STEPS, maxSteps: STEPS, stopWhenFitted: true, seed },
      null,
      false,
    );
    return { trainError: r.trainError, stepsToFit: r.stepsToFit };
  } finally {
    model.dispose();
  }
}

/** Weight decay does not stop a network from memorising random labels (paper §3). */
export const weightDecayPreventsFitting = conjecture({
  name: 'weight-decay-prevents-fitting',
  statement: 'with weight decay (λ ∈ {5e-4, 1e-3, 5e-3}) a two-layer MLP cannot fit random labels: its training error stays above 0',
  source: 'the view that explicit regularization controls capacity; refuted by Zhang et al. 2017, abstract and §3 (fitting random labels is "qualitatively unaffected by explicit regularization")',
  expected: 'refuted',
  numRuns: 4,
  empirical: { budget: BUDGET },
  arbitrary: randomLabelProblem,
  predicate: async (p) => (await trainWithDecay(p)).trainError > 0,
  show: (p) => table(['n', 'classes', 'λ (weight decay)', 'data seed'], [[String(p.n), '10 (uniform random)', String(p.weightDecay), String(p.seed)]]) + `\nbudget: ${BUDGET}`,
});
