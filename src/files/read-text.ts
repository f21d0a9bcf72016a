import fs from 'node:fs';
import { InputError } from '../errors.js';
import { inert } from '../output/inert.js';

/*
 * Every file the tool reads (plans, policies, journals, recordings, the configuration, the
 * credentials) goes through readTextFile: only a regular file, never more than a bound, and
 * only UTF-8 text. A FIFO would block the read forever and /dev/zero never ends; a symbolic
 * link is followed, but what it points to must be a regular file too.
 */

const MiB = 1024 * 1024;

/** How much the tool reads of each kind of file: far above any real one (README "Files"). */
export const MAX_BYTES = {
  /** A hand-written policy: a 100,000-id list is under 1 MiB. */
  policy: 4 * MiB,
  config: 1 * MiB,
  credentials: 1 * MiB,
  /** A saved plan: about 300 bytes a project, so 5,000 projects take 1.5 MiB. */
  plan: 64 * MiB,
  /** A journal: an intent and a change line of about 175 bytes a project: 5,000 take 2 MiB. */
  journal: 64 * MiB,
  /** A recording of one run: about 600 bytes a project, plus the pages of the search. */
  recording: 256 * MiB,
} as const;

export type FileProblem = 'missing' | 'not-regular' | 'too-large' | 'not-utf8' | 'unreadable';

/** A file that could not be read as text: the message names it (made inert) and says why. */
export class TextFileError extends InputError {
  constructor(
    readonly problem: FileProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface ReadTextOptions {
  /** What the file is, for messages: "the plan", "the policy", "the journal". */
  what: string;
  /** The file as the user named it, when it differs from the path opened. */
  shown?: string;
  maxBytes: number;
}

/** "a FIFO (named pipe)": what a file that is not a regular one is; undefined for a regular file. */
export function nonRegularKind(stat: fs.Stats): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

export function formatBytes(n: number): string {
  if (n >= MiB) return `${Number((n / MiB).toFixed(1))} MiB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KiB`;
  return `${n} bytes`;
}

const CHUNK = 64 * 1024;

/**
 * Reads a regular file of at most `maxBytes` bytes as UTF-8 text (a leading byte-order mark
 * dropped). Anything else is a TextFileError: missing, not a regular file (checked before
 * opening and again on the open file, which is opened non-blocking so that a FIFO swapped
 * in between cannot hang), larger than the bound, or not UTF-8 (with the line and column).
 */
export function readTextFile(filepath: string, options: ReadTextOptions): string {
  const name = inert(options.shown ?? filepath);
  const fail = (problem: FileProblem, why: string): never => {
    throw new TextFileError(problem, `cannot read ${options.what} ${name}: ${why}`);
  };
  const failErrno = (err: unknown): never => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return fail('missing', 'no such file');
    if (code === 'ENXIO') return fail('not-regular', 'it is a socket, not a regular file');
    if (code === 'EACCES' || code === 'EPERM') return fail('unreadable', 'permission denied');
    if (code === 'ELOOP') return fail('unreadable', 'too many levels of symbolic links');
    return fail('unreadable', code ?? String(err));
  };
  const check = (stat: fs.Stats): void => {
    const kind = nonRegularKind(stat);
    if (kind === 'a directory') fail('not-regular', 'it is a directory');
    if (kind !== undefined) fail('not-regular', `it is ${kind}, not a regular file`);
    if (stat.size > options.maxBytes) fail('too-large', tooLarge(stat.size, options));
  };
  let fd: number | undefined;
  try {
    check(fs.statSync(filepath));
    const { O_RDONLY, O_NONBLOCK = 0, O_NOCTTY = 0 } = fs.constants;
    fd = fs.openSync(filepath, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    check(fs.fstatSync(fd));
    return decodeUtf8(
      readAtMost(fd, options.maxBytes, () => fail('too-large', tooLarge(undefined, options))),
      fail,
    );
  } catch (err) {
    if (err instanceof TextFileError) throw err;
    return failErrno(err);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function tooLarge(size: number | undefined, options: ReadTextOptions): string {
  const actual = size === undefined ? 'larger than' : `${formatBytes(size)}, more than`;
  return `it is ${actual} the ${formatBytes(options.maxBytes)} this tool reads`;
}

/** The file's bytes, refusing more than `max` (a file may grow after its size was read). */
function readAtMost(fd: number, max: number, overflow: () => never): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK);
    const n = fs.readSync(fd, chunk, 0, CHUNK, null);
    if (n === 0) break;
    total += n;
    if (total > max) overflow();
    chunks.push(chunk.subarray(0, n));
  }
  return Buffer.concat(chunks, total);
}

/** The bytes as text, or `fail` with the line and column of the first byte that is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, fail: (problem: FileProblem, why: string) => never): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
    const column = [...new TextDecoder('utf-8').decode(bytes.subarray(lineStart, at))].length + 1;
    return fail('not-utf8', `line ${line}, column ${column} is not UTF-8 text: save the file as UTF-8`);
  }
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      // No overlong forms (E0 80..9F) and no surrogates (ED A0..BF).
      if (b === 0xe0) min = 0xa0;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90;
      if (b === 0xf4) max = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
