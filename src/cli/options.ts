import { z } from 'zod';
import { UsageError } from '../errors.js';
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

/** The selectors of grant, revoke, plan, access, report and policy dump (README "Selectors"). */
export const selectorOptions = {
  all: z.boolean().optional(),
  title: z.string().optional(),
  instrument: z.string().optional(),
  idsFrom: z.string().optional(),
  exclude: z.array(z.string()).optional(),
};

/** How a command that writes runs: --dry-run, --yes, the concurrency and --strict. */
export const applyOptions = {
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
  ...concurrencyOptions,
  strict: z.boolean().optional(),
};

/** --dry-run only shows, --yes applies without asking: never both. */
export function refuseDryRunWithYes(opts: { dryRun?: boolean | undefined; yes?: boolean | undefined }): void {
  if (opts.dryRun === true && opts.yes === true) {
    throw new UsageError('--dry-run and --yes contradict each other: choose one');
  }
}
