import path from 'node:path';
import { type SafeWriteOptions, writeFileSafely, writeTarget } from '../files/safe-write.js';

/*
 * The files `--out FILE` writes (a plan, a dumped policy), all the same way: through
 * writeFileSafely, regular files only, and an existing one replaced only if it is empty, one
 * of its kind this tool wrote, or with --force. `--out -` is stdout, which the caller writes.
 */

/** A kind of file `--out` writes. */
export interface OutFileKind {
  /** What it holds, for messages: "a plan". */
  what: string;
  /** Whether an existing file is one of this kind the tool wrote, and so may be replaced. */
  isOurs: (text: string) => boolean;
  /** The most of an existing file read to tell. */
  maxBytes: number;
}

function writeOptions(kind: OutFileKind, force: boolean): SafeWriteOptions {
  return {
    what: kind.what,
    flag: '--out',
    isOurs: kind.isOurs,
    maxBytes: kind.maxBytes,
    force,
    forceHint: 'add --force',
    dashIsStdout: true,
  };
}

/** Refuses, before anything is read from the server, a `file` (relative to `cwd`) that could not be written. */
export function checkOutFile(cwd: string, file: string, kind: OutFileKind, force: boolean): void {
  writeTarget(path.resolve(cwd, file), writeOptions(kind, force));
}

/** Writes `text` to `file` (relative to `cwd`); returns the path written. */
export function writeOutFile(cwd: string, file: string, text: string, kind: OutFileKind, force: boolean): string {
  return writeFileSafely(path.resolve(cwd, file), text, writeOptions(kind, force));
}
