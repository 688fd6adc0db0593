import type { Progress } from '../training/trainer.js';

/**
 * A progress display for training: on a terminal, one status line redrawn at most 4 times a second
 * (the step in flight included: a step of a conv net takes seconds on the CPU); elsewhere (a log
 * file, CI), a line every 30 s. `clear()` removes the status line before a log line is printed.
 */
export function progressDisplay(stream: NodeJS.WriteStream = process.stderr, now: () => number = () => performance.now()): { update(p: Progress): void; clear(): void } {
  const tty = stream.isTTY === true;
  const start = now();
  let last = tty ? -Infinity : start; // a log gets its first line after 30 s, not at once
  let shown = false;
  return {
    update(p: Progress): void {
      const t = now();
      if (t - last < (tty ? 250 : 30_000)) return;
      last = t;
      const width = 30;
      const done = (p.step + p.stepFraction) / p.stepsInEpoch;
      const filled = Math.min(width, Math.floor(done * width));
      const inStep = p.stepFraction > 0 ? ` (step ${p.step + 1}: ${Math.round(100 * p.stepFraction)}%)` : '';
      const line = `  epoch ${p.epoch} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.step}/${p.stepsInEpoch} steps${inStep}, ${((t - start) / 1000).toFixed(0)} s`;
      if (tty) {
        stream.write(`\r\x1b[K${line}`);
        shown = true;
      } else stream.write(`${line}\n`);
    },
    clear(): void {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
