import { z } from 'zod';

export const CONCURRENCY_MIN = 1;
export const CONCURRENCY_MAX = 32;
/** The upper bound of `--concurrency auto` unless --max-concurrency or "maxConcurrency" say otherwise. */
export const DEFAULT_MAX_CONCURRENCY = 8;
export const DEFAULT_TIMEOUT_SECONDS = 30;
export const TIMEOUT_MAX_SECONDS = 600;
/** The AqQua project's EcoTaxa account: the default grantee (docs/ecotaxa-api.md#users). */
export const DEFAULT_GRANTEE = 'aqqua@geomar.de';

export const concurrencySchema = z
  .number({ error: 'expected a whole number' })
  .int({ error: 'expected a whole number' })
  .min(CONCURRENCY_MIN, { error: `expected a whole number from ${CONCURRENCY_MIN} to ${CONCURRENCY_MAX}` })
  .max(CONCURRENCY_MAX, { error: `expected a whole number from ${CONCURRENCY_MIN} to ${CONCURRENCY_MAX}` });

/** "concurrency" in the configuration file: a number of projects written at once, or "auto". */
export const concurrencySettingSchema = z.union([z.literal('auto'), concurrencySchema], {
  error: `expected a whole number from ${CONCURRENCY_MIN} to ${CONCURRENCY_MAX}, or "auto"`,
});

export const timeoutSchema = z
  .number({ error: 'expected a number of seconds' })
  .positive({ error: `expected a number of seconds above 0` })
  .max(TIMEOUT_MAX_SECONDS, { error: `expected at most ${TIMEOUT_MAX_SECONDS} seconds` });

/** The configuration file (src/config/load.ts): every key optional, unknown keys refused. */
export const configFileSchema = z.strictObject({
  url: z
    .string({ error: 'expected the API base URL as a string' })
    .min(1, { error: 'expected a URL, not an empty string' })
    .optional(),
  user: z
    .string({ error: 'expected a user id, email or exact name as a string' })
    .min(1, { error: 'expected a user id, email or exact name, not an empty string' })
    .optional(),
  concurrency: concurrencySettingSchema.optional(),
  maxConcurrency: concurrencySchema.optional(),
  timeout: timeoutSchema.optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export const CONFIG_KEYS = Object.keys(configFileSchema.shape) as (keyof ConfigFile)[];
