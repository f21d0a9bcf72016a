import type { Sleep } from '../api/retry.js';
import type { Env } from '../config/env.js';

/** A stream we write text to: process.stdout/stderr, or a capture in tests. */
export interface TextOut {
  /** `callback` runs once the chunk has left the process (a real stream calls it; see Output.flushStdout). */
  write(chunk: string, callback?: (error?: Error | null) => void): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
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

export function processIo(interrupt?: AbortSignal, writePhase?: WritePhase): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    interrupt,
    writePhase,
  };
}
