/**
 * One writer per directory: the command that writes a run directory (`rethink fit --out`,
 * `rethink run --plan … --index i`) or a results directory (`rethink reproduce --out`) holds
 * `<dir>/.lock`, a file created exclusively with the writer's pid, host, command and start time.
 * A second writer is refused at once; a lock whose process is gone (same host, pid not alive) is
 * taken over with a note. The lock is removed when the command ends — normally, on an error, and on
 * SIGINT/SIGTERM (also when the process exits on a second signal).
 */
import { existsSync, linkSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { fileError, makeDirectory } from '../training/run-store.js';

/** The lock file's name inside the directory it guards. */
export const LOCK_FILE = '.lock';

/** What a lock file holds. */
export interface LockInfo {
  pid: number;
  host: string;
  command: string;
  started: string;
}

/** A held lock: {@link DirectoryLock.release} removes it (and the directory, when the lock created it and it stayed empty). */
export interface DirectoryLock {
  readonly dir: string;
  release(): void;
}

/** Whether a process with this pid is alive on this host (EPERM: it is, but is not ours). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return typeof v.pid === 'number' ? v : null;
  } catch {
    return null;
  }
}

/** Creates `path` with `text` only if it does not exist (write a private file, then hard-link it: the content is never seen half-written). */
function createExclusive(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The locks this process holds: released on exit and on a signal by one set of process handlers (not one per lock). */
const heldLocks = new Set<() => void>();
let hooked = false;

function releaseAll(): void {
  for (const release of [...heldLocks]) release();
}

// A signal outside an interruptible phase (loading data, writing reports) ends the process as Node
// would, without leaving the locks; inside one, the phase's own handler stops the work first.
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  releaseAll();
  process.exit(130);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', releaseAll);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function unhookIfIdle(): void {
  if (!hooked || heldLocks.size > 0) return;
  hooked = false;
  process.off('exit', releaseAll);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

/**
 * Takes `<dir>/.lock` for this process, creating `dir` when it does not exist.
 *
 * @param dir the run or results directory to write
 * @param command the command in words, stored in the lock (e.g. `rethink fit --out runs/a`)
 * @param note where the note about a stale lock taken over goes
 * @param what the directory in words, for a directory that cannot be created (e.g. 'the run directory')
 * @throws InputError when another live rethink holds it (its pid, start time, and what to do), or
 *   when the directory cannot be created
 * @example
 * const lock = acquireLock('runs/a', 'rethink fit --out runs/a', out.info);
 * try { await work(); } finally { lock.release(); }
 */
export function acquireLock(dir: string, command: string, note: (message: string) => void = () => {}, what = 'the directory'): DirectoryLock {
  const created = !existsSync(dir);
  if (!created && !statSync(dir).isDirectory()) throw new InputError(`--out ${dir} is a file, not a directory; choose another --out`);
  try {
    makeDirectory(dir);
  } catch (err) {
    throw fileError(err, `create ${what}`, dir);
  }
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    let ok: boolean;
    try {
      ok = createExclusive(path, JSON.stringify(info) + '\n');
    } catch (err) {
      throw fileError(err, 'create the lock', path);
    }
    if (ok) break;
    const held = readLock(path);
    const stale = held !== null && held.host === info.host && !alive(held.pid);
    if (!stale || attempt > 0) {
      const who = held === null ? 'an unreadable lock' : `pid ${held.pid}${held.host !== info.host ? ` on ${held.host}` : ''}, started ${held.started}${held.command !== '' ? `: ${held.command}` : ''}`;
      throw new InputError(`${dir} is in use by another rethink (${who}): wait for it, or remove ${path} if that process is gone`);
    }
    note(`note: ${path} was left by pid ${held.pid} (started ${held.started}), which is gone; taking it over`);
    rmSync(path, { force: true });
  }
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    heldLocks.delete(release);
    unhookIfIdle();
    if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
    if (created) {
      try {
        if (readdirSync(dir).length === 0) rmdirSync(dir); // a refused or empty run leaves nothing behind
      } catch {
        // the directory is gone or not ours to remove
      }
    }
  };
  heldLocks.add(release);
  hook();
  return { dir, release };
}

/**
 * Runs `f` while holding `<dir>/.lock` ({@link acquireLock}); the lock is released however `f` ends.
 *
 * @example
 * await withLock('runs/a', 'rethink fit --out runs/a', out.info, () => runTheFit());
 */
export async function withLock<T>(dir: string, command: string, note: (message: string) => void, f: () => Promise<T>): Promise<T> {
  const lock = acquireLock(dir, command, note);
  try {
    return await f();
  } finally {
    lock.release();
  }
}
