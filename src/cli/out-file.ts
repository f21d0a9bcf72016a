import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { Context } from './context.js';

/**
 * Writes `text` to the file named by `--out`, as `plan --out` writes a plan: into a temporary
 * file beside it, then renamed over it, so that a reader never sees half a file. The one place
 * where the commands of this module write their --out (policy dump): when `plan --out` gets a
 * safer writer, this function calls it. Returns the absolute path written.
 */
export async function writeOutFile(
  ctx: Pick<Context, 'io'>,
  file: string,
  text: string,
  what: string,
): Promise<string> {
  const target = path.resolve(ctx.io.cwd, file);
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    await fs.writeFile(tmp, text, 'utf8');
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw new InputError(`--out ${file}: cannot write ${what} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return target;
}
