import { expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryOutput } from '../../src/cli/output.js';

/** Runs `rethink <args> --json` in-process, expects exit code 0 and exactly one JSON object. */
export async function runJson(args: string[]): Promise<Record<string, unknown>> {
  const out = memoryOutput();
  expect(await main([...args, '--json'], out)).toBe(0);
  expect(out.jsons).toHaveLength(1);
  return out.jsons[0] as Record<string, unknown>;
}

/** Runs `rethink <args>` in-process: the exit code and everything it printed, by kind. */
export async function cli(args: string[]): Promise<{ code: number; out: ReturnType<typeof memoryOutput> }> {
  const out = memoryOutput();
  const code = await main(args, out);
  return { code, out };
}
