import { z } from 'zod';
import type { EcoTaxaClient } from '../api/client.js';
import { realSleep, type Sleep } from '../api/retry.js';
import { CredentialsStore } from '../config/credentials.js';
import { type EnvSettings, readEnv } from '../config/env.js';
import { ignoredCodeConfig, loadConfig, type LoadedConfig } from '../config/load.js';
import { credentialsPath, journalDir } from '../config/paths.js';
import { type Settings, type SettingFlags, resolveSettings } from '../config/settings.js';
import { assertSafeTransport } from '../config/server-url.js';
import { UsageError } from '../errors.js';
import { redactSecret } from '../secrets.js';
import type { FixtureSession } from '../recording/format.js';
import type { Io, WritePhase } from '../output/io.js';
import { Output } from '../output/output.js';
import { FileJournal, type JournalWriter, type RunInfo, newRunId, noJournal } from '../store/journal.js';
import { userAgent } from '../version.js';
import { describeError } from './error-advice.js';

/** The global options, exactly as commander gives them (the program's own, not a command's). */
export const globalOptionsSchema = z.strictObject({
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

/** A command's own flags that carry settings (the global ones, --url and --timeout, are known already). */
export type CommandSettingFlags = Pick<SettingFlags, 'concurrency' | 'maxConcurrency' | 'user' | 'userFlag'>;

/** Everything a command needs, built once per run from flags, environment and config. */
export class Context {
  private readonly secrets = new Set<string>();
  private readonly ownWritePhase: WritePhase = { active: false };

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

  /** Set while writes are under way: the binary's SIGINT handler reads it (src/cli/run.ts). */
  get writePhase(): WritePhase {
    return this.io.writePhase ?? this.ownWritePhase;
  }

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
    const config = await loadConfig({
      cwd: io.cwd,
      home: env.home,
      explicitPath: globals.config,
      configHome: env.configHome,
      onIgnored: (file) => output.warn(ignoredCodeConfig(file)),
    });

    let fixtures = opened;
    if (fixtures === undefined && globals.replay !== undefined) {
      const { openReplay } = await import('../recording/replay.js');
      fixtures = await openReplay(globals.replay, { cwd: io.cwd, argv });
    } else if (fixtures === undefined && globals.record !== undefined) {
      const { startRecording } = await import('../recording/record.js');
      fixtures = await startRecording(globals.record, { cwd: io.cwd, argv, scenario: globals.scenario, env });
    }

    const settings = resolveSettings({ flags: globals, env, file: config, replay: fixtures });
    return new Context(io, env, globals, output, config, settings.url.value, settings.timeoutMs.value, fixtures);
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

  /**
   * Every setting, with a command's own flags: flag > environment > config file > default
   * (src/config/settings.ts). A flag's value out of range is a usage error.
   */
  settings(flags: CommandSettingFlags = {}): Settings {
    return resolveSettings({
      flags: { url: this.globals.url, timeout: this.globals.timeout, ...flags },
      env: this.env,
      file: this.config,
      replay: this.fixtures,
    });
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
   * Remembers a secret so that no message can print it, and no recording hold it. Messages
   * never include secrets by construction; this is the safety net for what a server echoes
   * (see redactSecret for how a short one is matched).
   */
  addSecret(secret: string): void {
    if (secret === '') return;
    this.secrets.add(secret);
    this.fixtures?.noteSecret?.(secret);
  }

  redact(text: string): string {
    let out = text;
    // Longest first: a secret that contains another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = redactSecret(out, secret, '<redacted>');
    }
    return out;
  }

  /** Refuses to send credentials in clear text off this machine (not relevant in a replay). */
  assertSafeTransport(): void {
    if (!this.replaying) assertSafeTransport(this.serverUrl, this.globals.insecure === true);
  }

  /**
   * A client for this server. The HTTP stack (axios) is loaded here, on first use: commands
   * that never go online (history, completion, logout) do not pay for it.
   */
  async client(token?: string): Promise<EcoTaxaClient> {
    if (token !== undefined) this.addSecret(token);
    const output = this.output;
    const { EcoTaxaClient } = await import('../api/client.js');
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
        const failure = log.failure === undefined ? log.error : describeError(log.failure);
        const status = log.status === undefined ? (failure ?? 'failed') : String(log.status);
        output.debug(`${log.method} ${log.path} -> ${status} (${log.ms} ms)`);
      },
      onRetry: ({ request, error, delayMs, retry }) => {
        output.debug(`retry ${retry} of ${request.method} ${request.path} in ${delayMs} ms: ${describeError(error)}`);
      },
    });
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
