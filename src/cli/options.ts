import { z } from 'zod';
import type { CommandName } from './program.js';

/**
 * A command's options, checked by its strict schema. A mismatch is a bug (program.ts declares
 * a flag the schema lacks, or the reverse), never the user's doing: commander has already
 * refused unknown flags and bad values. It fails loudly rather than drop the flag.
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  options: Record<string, unknown>,
  name: CommandName,
): z.output<S> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const what =
    issue === undefined
      ? 'invalid'
      : issue.code === 'unrecognized_keys'
        ? `unknown ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : `"${issue.path.join('.')}": ${issue.message}`;
  throw new Error(`the options of \`${name}\` do not match its schema (${what})`);
}

/** --concurrency and --max-concurrency, as program.ts parses them (ranges are checked by resolveSettings). */
export const concurrencyOptions = {
  concurrency: z.union([z.number(), z.literal('auto')]).optional(),
  maxConcurrency: z.number().optional(),
};

/** --title and --instrument: the filters of every command that lists or selects projects. */
export const filterOptions = {
  title: z.string().optional(),
  instrument: z.string().optional(),
};

/** The selectors of the commands that read a selection of projects (ids are arguments). */
export const selectorOptions = {
  all: z.boolean().optional(),
  ...filterOptions,
  idsFrom: z.string().optional(),
  exclude: z.array(z.string()).optional(),
};

/** The selectors as typed: `3 5-7 --title "Kiel" --exclude 6`, for messages and the journal. */
export function describeSelection(
  args: readonly string[],
  opts: { all?: boolean; title?: string; instrument?: string; idsFrom?: string; exclude?: string[] },
): string {
  const parts = [...args];
  if (opts.all === true) parts.push('--all');
  if (opts.title !== undefined) parts.push(`--title "${opts.title}"`);
  if (opts.instrument !== undefined) parts.push(`--instrument "${opts.instrument}"`);
  if (opts.idsFrom !== undefined) parts.push(`--ids-from ${opts.idsFrom}`);
  for (const e of opts.exclude ?? []) parts.push(`--exclude ${e}`);
  return parts.join(' ');
}
