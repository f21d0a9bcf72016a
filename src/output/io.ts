import type { Sleep } from '../api/retry.js';
import type { Env } from '../config/env.js';

/** A stream we write text to: process.stdout/stderr, or a capture in tests. */
export interface TextOut {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
  /** Resolves once everything written has left the process (into a pipe); absent: nothing to wait for. */
  flush?(): Promise<void>;
}

export interface TextIn extends AsyncIterable<string | Buffer> {
  isTTY?: boolean | undefined;
  setRawMode?: ((mode: boolean) => unknown) | undefined;
  setEncoding?(encoding: BufferEncoding): unknown;
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
  off?(event: string, listener: (...args: unknown[]) => void): unknown;
  pause?(): unknown;
  resume?(): unknown;
}

/** One project in --pick's list: its id and the row shown. */
export interface PickChoice {
  projid: number;
  label: string;
}

/** Shows --pick's list and returns the ids picked, or undefined when cancelled. */
export type ProjectPicker = (io: Io, list: { message: string; choices: PickChoice[] }) => Promise<number[] | undefined>;

/** Whether writes are under way, for the binary's SIGINT handler (src/cli/run.ts). */
export interface WritePhase {
  active: boolean;
}

/**
 * Everything a command touches outside itself. The binary passes the process's own; tests
 * pass captures, an environment of their own and a signal to simulate Ctrl-C.
 */
export interface Io {
  stdout: TextOut;
  stderr: TextOut;
  stdin: TextIn;
  env: Env;
  cwd: string;
  /** Aborted on Ctrl-C: no new request starts, in-flight ones finish. */
  interrupt?: AbortSignal | undefined;
  /**
   * Set by the apply step while writes are under way. The binary's SIGINT handler reads it: a
   * first Ctrl-C during writes only stops new requests; otherwise the process stops at once.
   */
  writePhase?: WritePhase | undefined;
  /** Backoff waits (tests replace it to run retries without waiting). */
  sleep?: Sleep | undefined;
  /** Seeded randomness for jitter (tests). */
  random?: (() => number) | undefined;
  /** --pick's list (tests pass a stub; the binary draws it with @clack/prompts). */
  pick?: ProjectPicker | undefined;
}

/**
 * process.stdout, unless its reader went away (`ecotaxa-access ... | head -1`): Node then
 * raises EPIPE, which would crash the process with a stack trace, perhaps between two writes
 * of a run. From then on, what is written to stdout is dropped and the command goes on to
 * its end (its journal, its exit code), as if the data had been read.
 */
function closableStdout(): TextOut {
  let closed = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') process.stderr.write(`error: cannot write to stdout: ${err.message}\n`);
    closed = true;
  });
  return {
    write: (chunk: string) => (closed ? true : process.stdout.write(chunk)),
    flush: () =>
      closed ? Promise.resolve() : new Promise<void>((resolve) => process.stdout.write('', () => resolve())),
    get isTTY() {
      return process.stdout.isTTY;
    },
    get columns() {
      return process.stdout.columns;
    },
  };
}

export function processIo(interrupt?: AbortSignal, writePhase?: WritePhase): Io {
  return {
    stdout: closableStdout(),
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    interrupt,
    writePhase,
  };
}
