import type { Coverage } from './result.js';
import { toJsonSafe } from './format.js';

/** Counts what a search tried: distinct inputs (by JSON form) and runs per label. */
export class CoverageCounter<T> {
  private readonly seen = new Set<string>();
  private readonly counts = new Map<string, number>();
  constructor(private readonly classify: ((input: T) => string) | undefined) {}

  add(input: T): void {
    const json = JSON.stringify(toJsonSafe(input)) ?? 'undefined';
    this.seen.add(json.length > 256 ? `${json.length}:${hash(json)}` : json);
    const label = this.classify ? this.classify(input) : `size ${sizeBucket(leaves(input))}`;
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }

  summary(): Coverage {
    const labels = [...this.counts.entries()].map(([label, runs]) => ({ label, runs })).sort((a, b) => b.runs - a.runs || a.label.localeCompare(b.label));
    return { distinct: this.seen.size, labels };
  }
}

/** Scalars in a value (its size as the shrinker sees it). */
function leaves(v: unknown, depth = 0): number {
  if (depth > 16 || typeof v !== 'object' || v === null) return 1;
  if (ArrayBuffer.isView(v)) return (v as unknown as ArrayLike<unknown>).length;
  if ('toFraction' in v) return 1;
  return Object.values(v).reduce<number>((s, x) => s + leaves(x, depth + 1), 0);
}

function sizeBucket(n: number): string {
  if (n <= 4) return '1–4';
  let hi = 16;
  while (n > hi) hi *= 4;
  return `${hi / 4 + 1}–${hi}`;
}

function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}
