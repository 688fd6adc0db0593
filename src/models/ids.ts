import { InputError } from '../errors.js';

/** Model ids accepted by `rethink fit --model` (kept apart from zoo.ts so that listing them does not load tfjs). */
export const MODEL_IDS = ['mlp-1x512', 'mlp-3x512', 'small-alexnet', 'small-inception', 'small-inception-no-bn'] as const;
export type ModelId = (typeof MODEL_IDS)[number];

/** Checks a model id, listing the valid ones when it is not. */
export function parseModelId(id: string): ModelId {
  if (!(MODEL_IDS as readonly string[]).includes(id)) {
    throw new InputError(`unknown model '${id}': valid models are ${MODEL_IDS.join(', ')}`);
  }
  return id as ModelId;
}
