import type { ChalkInstance } from 'chalk';
import type { EnvSettings } from '../config/env.js';
import { colorFor } from './color.js';
import type { Io } from './io.js';

export interface OutputOptions {
  quiet: boolean;
  verbose: boolean;
  noColor: boolean;
}

export interface Spinner {
  set(text: string): void;
  stop(): void;
}

const noSpinner: Spinner = { set() {}, stop() {} };

/**
 * Data goes to stdout; progress, notes and errors to stderr. --quiet keeps only errors on
 * stderr; --verbose adds request lines. Spinners only when stderr is a terminal.
 */
export class Output {
  readonly out: ChalkInstance;
  readonly err: ChalkInstance;
  readonly interactive: boolean;

  constructor(
    private readonly io: Io,
    readonly env: EnvSettings,
    readonly options: OutputOptions,
  ) {
    this.out = colorFor(io.stdout, env, options.noColor, 'stdout');
    this.err = colorFor(io.stderr, env, options.noColor, 'stderr');
    this.interactive = io.stdin.isTTY === true && io.stderr.isTTY === true && !env.ci;
  }

  /** A line (or lines) of data on stdout. */
  data(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Progress and notes on stderr, unless --quiet. */
  info(text: string): void {
    if (!this.options.quiet) this.io.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    if (!this.options.quiet) this.io.stderr.write(`${this.err.yellow('warning:')} ${text}\n`);
  }

  error(text: string): void {
    this.io.stderr.write(`${this.err.red('error:')} ${text}\n`);
  }

  debug(text: string): void {
    if (this.options.verbose) this.io.stderr.write(`${this.err.dim(text)}\n`);
  }

  get stdoutWidth(): number | undefined {
    return this.io.stdout.isTTY === true ? this.io.stdout.columns : undefined;
  }

  /** An ora spinner on stderr when it is a terminal; a silent stand-in otherwise. */
  async spinner(text: string): Promise<Spinner> {
    if (this.options.quiet || this.io.stderr.isTTY !== true || this.env.ci) return noSpinner;
    const { default: ora } = await import('ora');
    const spinner = ora({
      text,
      stream: this.io.stderr as NodeJS.WritableStream,
      // ora would otherwise put stdin in raw mode, swallowing a later prompt's input.
      discardStdin: false,
      isEnabled: true,
      color: 'cyan',
    }).start();
    return {
      set(next: string) {
        spinner.text = next;
      },
      stop() {
        spinner.stop();
      },
    };
  }
}
