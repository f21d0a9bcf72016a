import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { inert } from '../output/inert.js';
import { nonRegularKind, readTextFile } from './read-text.js';

/*
 * The one way the tool writes a file the user names (`--out FILE`, a recording): only a
 * regular file, replaced atomically (a temporary file in the same folder, then a rename), and
 * an existing one only when it is empty, one this tool wrote, or --force says so.
 *
 * A rename replaces whatever has the name: as root, `--out /dev/stdout` replaced the device
 * node with a plain file, and a symbolic link was replaced instead of followed. So a device,
 * a FIFO, a socket or a directory is refused, and a symbolic link is followed to the regular
 * file it points to (a link to anything else, or to nothing, is refused).
 */

export interface SafeWriteOptions {
  /** What is written, for messages: "the plan". */
  what: string;
  /** The option that named the file, for messages: "--out". */
  flag: string;
  /** Whether an existing file is one this tool wrote, and so may be replaced. */
  isOurs: (text: string) => boolean;
  /** The most of an existing file read to tell. */
  maxBytes: number;
  /** Replace an existing regular file whatever it holds. */
  force: boolean;
  /** How to ask for that, when the command has a way ("add --force"); else undefined. */
  forceHint?: string | undefined;
  /** Whether `FLAG -` writes to stdout instead, said when a device or a FIFO is refused. */
  dashIsStdout?: boolean;
}

/** Where the content will go: the file itself, or the regular file a link points to. */
export interface WriteTarget {
  path: string;
  /** The permissions of the file replaced, kept; undefined for a new file. */
  mode: number | undefined;
}

function lstat(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Checks where `file` may be written, before anything is: refuses what is not a regular file,
 * and an existing file that may not be replaced. Called before a command's first request, and
 * again when writing.
 */
export function writeTarget(file: string, options: SafeWriteOptions): WriteTarget {
  const shown = `${options.flag} ${inert(file)}`;
  const refuse = (why: string): never => {
    throw new UsageError(`${shown}: ${why}`);
  };
  const regularOnly = `${options.flag} writes regular files only${options.dashIsStdout === true ? ` (\`${options.flag} -\` writes to stdout)` : ''}`;
  let stat: fs.Stats | undefined;
  try {
    stat = lstat(file);
  } catch (err) {
    return refuse(`cannot look at the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let target = file;
  if (stat?.isSymbolicLink() === true) {
    const to = inert(fs.readlinkSync(file));
    let followed: fs.Stats;
    try {
      followed = fs.statSync(file);
    } catch {
      return refuse(
        `a symbolic link to ${to}, which does not exist: ${options.flag} follows a link only to a regular file`,
      );
    }
    const kind = nonRegularKind(followed);
    if (kind !== undefined) {
      refuse(`a symbolic link to ${to}, ${kind}: ${regularOnly}`);
    }
    target = fs.realpathSync(file);
    stat = followed;
  }
  if (stat === undefined) return { path: target, mode: undefined };
  const kind = nonRegularKind(stat);
  if (kind !== undefined) {
    refuse(`${kind}: ${regularOnly}`);
  }
  if (!options.force && stat.size > 0 && !holdsOurs(target, options)) {
    const force = options.forceHint === undefined ? '' : `, or ${options.forceHint} to replace it`;
    refuse(`the file exists and is not ${options.what} written by ecotaxa-access: choose another name${force}`);
  }
  return { path: target, mode: stat.mode & 0o777 };
}

function holdsOurs(file: string, options: SafeWriteOptions): boolean {
  try {
    return options.isOurs(readTextFile(file, { what: options.what, maxBytes: options.maxBytes }));
  } catch {
    return false;
  }
}

/**
 * Writes `content` to `file` (see writeTarget): a temporary file beside the target, with the
 * replaced file's permissions, synced, then renamed over it; removed again on any failure.
 * Returns the path written (the link's target, for a link).
 */
export function writeFileSafely(file: string, content: string, options: SafeWriteOptions): string {
  const target = writeTarget(file, options);
  const dir = path.dirname(target.path);
  const tmp = path.join(dir, `.${path.basename(target.path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let created = false;
  try {
    const fd = fs.openSync(tmp, 'wx', target.mode ?? 0o666);
    created = true;
    try {
      if (target.mode !== undefined) fs.fchmodSync(fd, target.mode);
      fs.writeFileSync(fd, content, 'utf8');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target.path);
  } catch (err) {
    if (created) fs.rmSync(tmp, { force: true });
    throw new InputError(
      `${options.flag} ${inert(file)}: cannot write ${options.what} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  return target.path;
}
