import { z } from 'zod';
import { type Shell, completionScript, completionSpec } from '../completion.js';
import type { Context } from '../context.js';
import { parseOptions } from '../options.js';
import { buildProgram } from '../program.js';

export const completionOptionsSchema = z.strictObject({});

/** completion bash|zsh|fish: the script on stdout, from the command tree this binary runs. */
export function run(ctx: Context, args: string[], options: Record<string, unknown>): Promise<number> {
  parseOptions(completionOptionsSchema, options, 'completion');
  // Commander has checked the shell against its choices.
  const shell = args[0] as Shell;
  const program = buildProgram(ctx.io, () => Promise.resolve());
  ctx.io.stdout.write(completionScript(shell, completionSpec(program)));
  return Promise.resolve(0);
}
