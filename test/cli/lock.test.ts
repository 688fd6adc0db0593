/** Directory locks: many held at once share one set of process handlers, and releasing them all removes it. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/cli/lock.js';

const tmp = mkdtempSync(join(tmpdir(), 'rethink-lock-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('directory locks', () => {
  it('twelve locks at once add one exit and one signal handler each, not twelve; each lock file goes with its release', () => {
    const before = { exit: process.listenerCount('exit'), sigint: process.listenerCount('SIGINT'), sigterm: process.listenerCount('SIGTERM') };
    const locks = Array.from({ length: 12 }, (_, i) => acquireLock(join(tmp, `run${i}`), `test lock ${i}`));
    expect(process.listenerCount('exit')).toBe(before.exit + 1);
    expect(process.listenerCount('SIGINT')).toBe(before.sigint + 1);
    expect(process.listenerCount('SIGTERM')).toBe(before.sigterm + 1);
    for (const [i, lock] of locks.entries()) expect(existsSync(join(tmp, `run${i}`, '.lock'))).toBe(true), lock.release();
    expect(existsSync(join(tmp, 'run0'))).toBe(false); // created by the lock and left empty: removed
    expect(process.listenerCount('exit')).toBe(before.exit);
    expect(process.listenerCount('SIGINT')).toBe(before.sigint);
    expect(process.listenerCount('SIGTERM')).toBe(before.sigterm);
  });

  it('a second lock on the same directory in this process is refused by name', () => {
    const lock = acquireLock(join(tmp, 'same'), 'first');
    try {
      expect(() => acquireLock(join(tmp, 'same'), 'second')).toThrow(/same is in use by another rethink \(pid \d+, started .*: first\)/);
    } finally {
      lock.release();
    }
  });
});
