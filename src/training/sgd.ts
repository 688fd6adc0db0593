/**
 * SGD with momentum as in the paper's Appendix A (TensorFlow's MomentumOptimizer):
 *   v ← μ·v + g (+ λ·w for kernels when weight decay λ > 0),   w ← w − η_t·v,
 * with the step-decayed learning rate η_t = η₀ · γ^⌊t / T⌋ (γ = 0.95 per T = 391 steps by default:
 * one epoch of 50,000 CIFAR-10 images at batch 128; per-epoch decay on small sets stalls fitting).
 */
import * as tf from '@tensorflow/tfjs';
import { getKernel } from '@tensorflow/tfjs';
import { MOMENTUM_STEP, SOFTMAX_XENT, SOFTMAX_XENT_GRAD } from '../engine/wasm-ops.js';
import type { Param } from '../models/layers.js';

/** Learning-rate schedule η_t = η₀ · γ^⌊t / T⌋. */
export function learningRate(step: number, lr0: number, decay: number, decaySteps: number): number {
  return lr0 * decay ** Math.floor(step / decaySteps);
}

/** Momentum SGD over a model's trainable parameters; the velocities are part of the checkpoint. */
export class MomentumSgd {
  /** one velocity per trainable parameter, in the same order */
  readonly velocities: tf.Variable[];
  private readonly trainable: Param[];

  /**
   * @param params the model's parameters (only trainable ones are updated)
   * @param momentum μ (0.9 in the paper)
   * @param weightDecay λ; 0 = none
   * @param decays which parameters λ applies to (default: conv/dense kernels `…/W`, not biases or BatchNorm; a model's registry entry says)
   */
  constructor(
    params: Param[],
    readonly momentum: number,
    readonly weightDecay: number,
    private readonly decays: (paramName: string) => boolean = (name) => name.endsWith('/W'),
  ) {
    this.trainable = params.filter((p) => p.kind !== 'state');
    this.velocities = this.trainable.map((p) => {
      const zero = tf.zerosLike(p.variable);
      const v = tf.variable(zero, false);
      zero.dispose(); // the variable keeps the data
      return v;
    });
  }

  /**
   * One step on the mean loss returned by `loss`; returns the loss value (a scalar tensor the caller
   * disposes).
   */
  step(loss: () => tf.Scalar, lr: number): tf.Scalar {
    const { value, grads } = this.gradients(loss);
    this.update(grads, lr);
    return value;
  }

  /** The loss and its gradients with respect to the trainable parameters, nothing updated yet (the caller disposes both, or hands the gradients to {@link update}). */
  gradients(loss: () => tf.Scalar): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    return tf.variableGrads(loss, this.trainable.map((p) => p.variable));
  }

  /** The update of one step from {@link gradients}' gradients, which it disposes. */
  update(grads: tf.NamedTensorMap, lr: number): void {
    const fused = getKernel(MOMENTUM_STEP, tf.getBackend()) !== undefined;
    try {
      tf.tidy(() => {
        this.trainable.forEach((p, i) => {
          let g = grads[p.variable.name];
          if (g === undefined) {
            throw new Error(`no gradient for parameter '${p.name}': nothing in the loss depends on it (a layer built with input: 'data' whose input is another layer's output cuts the gradient there)`);
          }
          const v = this.velocities[i]!;
          const lambda = this.weightDecay > 0 && this.decays(p.name) ? this.weightDecay : 0;
          if (fused) {
            // The same operations in one pass over the heap (wasm): 0.16 instead of 0.47 ms for a
            // 784 × 512 weight (bench/fused-kernels.ts, one thread).
            const [wNext, vNext] = tf.engine().runKernel(MOMENTUM_STEP, { w: p.variable, v, g }, { momentum: this.momentum, lr, weightDecay: lambda }) as tf.Tensor[];
            v.assign(vNext!);
            p.variable.assign(wNext!);
            return;
          }
          if (lambda > 0) g = tf.add(g, tf.mul(p.variable, lambda));
          const vNext = tf.add(tf.mul(v, this.momentum), g);
          v.assign(vNext);
          p.variable.assign(tf.sub(p.variable, tf.mul(vNext, lr)));
        });
      });
    } finally {
      tf.dispose(grads);
    }
  }

  dispose(): void {
    tf.dispose(this.velocities);
  }
}

/**
 * Mean softmax cross-entropy: mean_i [ logΣ_j exp(z_ij) − Σ_j y_ij z_ij ] (log-sum-exp is stable),
 * with gradient (softmax(z) − y)/B. On wasm one kernel each way ({@link SOFTMAX_XENT}: 0.29 instead
 * of 0.93 ms for 128 × 10 logits with the gradient, bench/fused-kernels.ts); elsewhere the tfjs ops.
 */
export function crossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  if (getKernel(SOFTMAX_XENT, tf.getBackend()) === undefined) return tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, oneHot), 1)));
  // The labels are closed over: no gradient flows to them.
  const op = tf.customGrad((...args) => {
    const [z, save] = args as unknown as [tf.Tensor2D, tf.GradSaveFunc];
    const [loss, probs] = tf.engine().runKernel(SOFTMAX_XENT, { logits: z, labels: oneHot }) as [tf.Scalar, tf.Tensor2D];
    save([probs]);
    return { value: loss, gradFunc: (dy, saved) => tf.engine().runKernel(SOFTMAX_XENT_GRAD, { probs: saved[0]!, labels: oneHot, dy }) as tf.Tensor2D };
  });
  return op(logits) as tf.Scalar;
}
