/** Backends a user can ask for (kept apart from backend.ts so that listing them does not load tfjs). */
export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'webgpu', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
