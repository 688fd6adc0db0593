import type { Progress } from '../training/trainer.js';

/**
 * A status line for a long run on stderr: on a terminal, one line redrawn at most 4 times a second;
 * elsewhere (a log file, CI), a line at most every `logEveryMs` (default 30 s) — `force` writes one now
 * (a phase that starts or ends). `clear()` removes the terminal line before a log line is printed.
 */
export function statusLine(stream: NodeJS.WriteStream = process.stderr, now: () => number = () => performance.now(), logEveryMs = 30_000): { show(line: string, force?: boolean): void; clear(): void } {
  const tty = stream.isTTY === true;
  let last = tty ? -Infinity : now(); // a log gets its first line after logEveryMs, not at once
  let shown = false;
  return {
    show(line: string, force = false): void {
      const t = now();
      if (!force && t - last < (tty ? 250 : logEveryMs)) return;
      last = t;
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

/**
 * A progress display for training: the epoch's bar and steps, the step in flight included (a step
 * of a conv net takes seconds on the CPU), through {@link statusLine}.
 */
export function progressDisplay(stream: NodeJS.WriteStream = process.stderr, now: () => number = () => performance.now()): { update(p: Progress): void; clear(): void } {
  const start = now();
  const line = statusLine(stream, now);
  return {
    update(p: Progress): void {
      const width = 30;
      const done = (p.step + p.stepFraction) / p.stepsInEpoch;
      const filled = Math.min(width, Math.floor(done * width));
      const inStep = p.stepFraction > 0 ? ` (step ${p.step + 1}: ${Math.round(100 * p.stepFraction)}%)` : '';
      line.show(`  epoch ${p.epoch} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.step}/${p.stepsInEpoch} steps${inStep}, ${((now() - start) / 1000).toFixed(0)} s`);
    },
    clear: line.clear,
  };
}
