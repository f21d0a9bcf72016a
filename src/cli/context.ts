import { z } from 'zod';
import { EcoTaxaClient } from '../api/client.js';
import { AuthenticationError } from '../api/errors.js';
import { realSleep, type Sleep } from '../api/retry.js';
import { isAdministrator, type UserWithRights } from '../api/schemas.js';
import { decodeToken, type TokenInfo } from '../api/token.js';
import { CredentialsStore } from '../config/credentials.js';
import { type EnvSettings, readEnv } from '../config/env.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { credentialsPath, journalDir } from '../config/paths.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_GRANTEE,
  DEFAULT_TIMEOUT_SECONDS,
  concurrencySchema,
  timeoutSchema,
} from '../config/schema.js';
import { DEFAULT_SERVER_URL, assertSafeTransport, normalizeServerUrl } from '../config/server-url.js';
import { LoginRequiredError, UsageError } from '../errors.js';
import type { FixtureSession } from '../recording/format.js';
import type { Io } from '../output/io.js';
import { Output } from '../output/output.js';
import { FileJournal, type JournalWriter, type RunInfo, newRunId, noJournal } from '../plan/journal.js';
import { userAgent } from '../version.js';

/** The global options, as commander gives them (command options ride along, untouched). */
export const globalOptionsSchema = z.looseObject({
  url: z.string().optional(),
  json: z.boolean().optional(),
  verbose: z.boolean().optional(),
  quiet: z.boolean().optional(),
  timeout: z.number().optional(),
  config: z.string().optional(),
  insecure: z.boolean().optional(),
  color: z.boolean().optional(),
  record: z.string().optional(),
  replay: z.string().optional(),
  scenario: z.string().optional(),
});
export type GlobalOptions = z.infer<typeof globalOptionsSchema>;

export interface Session {
  client: EcoTaxaClient;
  /** The caller, from GET /users/me: proof that the token is good. */
  me: UserWithRights;
  administrator: boolean;
  token: string;
}

/** Everything a command needs, built once per run from flags, environment and config. */
export class Context {
  private readonly secrets = new Set<string>();

  private constructor(
    readonly io: Io,
    readonly env: EnvSettings,
    readonly globals: GlobalOptions,
    readonly output: Output,
    readonly config: LoadedConfig,
    readonly serverUrl: string,
    readonly timeoutMs: number,
    readonly fixtures: FixtureSession | undefined,
  ) {}

  /** `opened`: a replay already open (the demo's bundled recordings) instead of --replay or --record. */
  static async create(
    io: Io,
    rawGlobals: Record<string, unknown>,
    argv: readonly string[],
    opened?: FixtureSession,
  ): Promise<Context> {
    const env = readEnv(io.env);
    const globals = globalOptionsSchema.parse(rawGlobals);
    const output = new Output(io, env, {
      quiet: globals.quiet === true,
      verbose: globals.verbose === true,
      noColor: globals.color === false,
    });
    if (globals.record !== undefined && globals.replay !== undefined) {
      throw new UsageError('--record and --replay cannot be used together');
    }
    if (globals.scenario !== undefined && globals.record === undefined) {
      throw new UsageError('--scenario names a recording: use it with --record DIR');
    }
    const config = await loadConfig({ cwd: io.cwd, home: env.home, explicitPath: globals.config });
    const where = config.filepath === undefined ? '' : ` in ${config.filepath}`;

    let fixtures = opened;
    if (fixtures === undefined && globals.replay !== undefined) {
      const { openReplay } = await import('../recording/replay.js');
      fixtures = await openReplay(globals.replay, { cwd: io.cwd, argv });
    } else if (fixtures === undefined && globals.record !== undefined) {
      const { startRecording } = await import('../recording/record.js');
      fixtures = await startRecording(globals.record, { cwd: io.cwd, argv, scenario: globals.scenario, env });
    }

    // Flags > environment > config file > default; a replay defaults to the recorded server.
    const serverUrl =
      globals.url !== undefined
        ? normalizeServerUrl(globals.url, '--url')
        : fixtures?.serverUrl !== undefined
          ? fixtures.serverUrl
          : env.url !== undefined
            ? normalizeServerUrl(env.url, 'ECOTAXA_URL')
            : config.config.url !== undefined
              ? normalizeServerUrl(config.config.url, `"url"${where}`)
              : DEFAULT_SERVER_URL;

    const timeoutSeconds = globals.timeout ?? config.config.timeout ?? DEFAULT_TIMEOUT_SECONDS;
    const timeout = timeoutSchema.safeParse(timeoutSeconds);
    if (!timeout.success)
      throw new UsageError(`--timeout ${timeoutSeconds}: ${timeout.error.issues[0]?.message ?? 'invalid'}`);

    return new Context(io, env, globals, output, config, serverUrl, Math.round(timeout.data * 1000), fixtures);
  }

  get json(): boolean {
    return this.globals.json === true;
  }

  get replaying(): boolean {
    return this.fixtures?.mode === 'replay';
  }

  /** Now, or the recording's time in a replay, or SOURCE_DATE_EPOCH when set. */
  now(): Date {
    if (this.fixtures?.clock !== undefined) return new Date(this.fixtures.clock);
    if (this.env.sourceDateEpoch !== undefined) return new Date(this.env.sourceDateEpoch * 1000);
    return new Date();
  }

  get sleep(): Sleep {
    return this.io.sleep ?? realSleep;
  }

  /** The default grantee: config "user", else the AqQua account. */
  get defaultUser(): string {
    return this.config.config.user ?? DEFAULT_GRANTEE;
  }

  concurrency(flag: number | undefined): number {
    const value = flag ?? this.config.config.concurrency ?? DEFAULT_CONCURRENCY;
    const parsed = concurrencySchema.safeParse(value);
    if (!parsed.success)
      throw new UsageError(`--concurrency ${value}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  credentials(): CredentialsStore {
    return new CredentialsStore(credentialsPath(this.env));
  }

  journalDir(): string {
    return journalDir(this.env);
  }

  /** The journal of a run that writes; none in a replay, where nothing is written. */
  journal(run: RunInfo): JournalWriter {
    if (this.replaying) return noJournal;
    return new FileJournal(this.journalDir(), newRunId(), run, () => this.now());
  }

  /**
   * Remembers a secret so that no message can print it. Messages never include secrets by
   * construction; this is the safety net. Short strings are left out: redacting a password
   * such as "wrong" would garble every sentence that happens to contain the word.
   */
  addSecret(secret: string): void {
    if (secret.length >= 8) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('<redacted>');
    return out;
  }

  tokenInfo(token: string): TokenInfo | undefined {
    return this.fixtures?.tokenInfo(token) ?? decodeToken(token);
  }

  /** Refuses to send credentials in clear text off this machine (not relevant in a replay). */
  assertSafeTransport(): void {
    if (!this.replaying) assertSafeTransport(this.serverUrl, this.globals.insecure === true);
  }

  client(token?: string): EcoTaxaClient {
    if (token !== undefined) this.addSecret(token);
    const output = this.output;
    return new EcoTaxaClient({
      baseUrl: this.serverUrl,
      token,
      timeoutMs: this.timeoutMs,
      userAgent: userAgent(),
      sleep: this.sleep,
      random: this.io.random,
      now: () => this.now(),
      headers: this.fixtures?.requestHeaders,
      signal: this.io.interrupt,
      mapTransportError:
        this.fixtures === undefined ? undefined : (err, req) => this.fixtures?.mapTransportError(err, req),
      onRequest: (log) => {
        const status = log.status === undefined ? (log.error ?? 'failed') : String(log.status);
        output.debug(`${log.method} ${log.path} -> ${status} (${log.ms} ms)`);
      },
      onRetry: ({ request, error, delayMs, retry }) => {
        output.debug(`retry ${retry} of ${request.method} ${request.path} in ${delayMs} ms: ${error.message}`);
      },
    });
  }

  /** The token to use: a replay's placeholder, ECOTAXA_TOKEN, or the one `login` saved. */
  async token(): Promise<{ token: string; source: string }> {
    if (this.fixtures?.token !== undefined) return { token: this.fixtures.token, source: 'the recording' };
    if (this.env.token !== undefined) return { token: this.env.token, source: 'ECOTAXA_TOKEN' };
    const saved = await this.credentials().get(this.serverUrl);
    if (saved === undefined) {
      throw new LoginRequiredError(
        `you are not logged in to ${this.serverUrl}: run \`ecotaxa-access login\` (or set ECOTAXA_TOKEN)`,
      );
    }
    return { token: saved.token, source: 'saved login' };
  }

  /**
   * A client with a checked token: expiry read locally first (no request for a dead token),
   * then GET /users/me, since project reads would silently treat a bad token as anonymous.
   */
  async session(): Promise<Session> {
    const { token, source } = await this.token();
    this.addSecret(token);
    const info = this.tokenInfo(token);
    if (info !== undefined && info.expiresAt.getTime() <= this.now().getTime()) {
      const fix = source === 'ECOTAXA_TOKEN' ? 'set a fresh ECOTAXA_TOKEN' : 'run `ecotaxa-access login`';
      throw new LoginRequiredError(
        `your EcoTaxa token (${source}) expired on ${formatDate(info.expiresAt)} (tokens last 31 days): ${fix}`,
      );
    }
    if (info !== undefined && info.expiresAt.getTime() - this.now().getTime() < 3_600_000) {
      this.output.warn(
        `your EcoTaxa token expires at ${formatDate(info.expiresAt)}: a long run may be cut short; log in again first`,
      );
    }
    this.assertSafeTransport();
    this.fixtures?.noteToken(token);
    const client = this.client(token);
    let me: UserWithRights;
    try {
      me = await client.me();
    } catch (err) {
      if (err instanceof AuthenticationError && source === 'ECOTAXA_TOKEN') {
        throw new LoginRequiredError(
          `EcoTaxa at ${this.serverUrl} rejected the token in ECOTAXA_TOKEN (invalid or expired): set a fresh one, or unset it and run \`ecotaxa-access login\``,
        );
      }
      throw err;
    }
    return { client, me, administrator: isAdministrator(me), token };
  }

  async close(exitCode: number): Promise<void> {
    if (this.fixtures === undefined) return;
    const note = await this.fixtures.close({ exitCode, serverUrl: this.serverUrl });
    if (note !== undefined) this.output.info(note);
  }
}

export function createContext(
  io: Io,
  rawGlobals: Record<string, unknown>,
  argv: readonly string[],
  opened?: FixtureSession,
): Promise<Context> {
  return Context.create(io, rawGlobals, argv, opened);
}

export function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
