import type { ChalkInstance } from 'chalk';
import type { EnvSettings } from '../config/env.js';
import { colorFor } from './color.js';
import { inert, terminalSafe } from './inert.js';
import type { Io } from './io.js';
import { jsonText } from './json.js';

export interface OutputOptions {
  quiet: boolean;
  verbose: boolean;
  noColor: boolean;
}

export interface Spinner {
  set(text: string): void;
  stop(): void;
}

/** Where a run of writes stands (the apply engine's ApplyProgress has these and more). */
export interface ProgressCounts {
  total: number;
  done: number;
  failed: number;
  /** Waiting to try again after a passing failure. */
  retrying: number;
}

/** The progress bar's line: the counts so far, the time since it started, the terminal's width. */
export type ProgressLine = (progress: ProgressCounts, elapsedMs: number, width: number) => string;

export interface ProgressBar {
  update(progress: ProgressCounts): void;
  stop(): void;
}

const noSpinner: Spinner = { set() {}, stop() {} };
const noBar: ProgressBar = { update() {}, stop() {} };

/** How often the progress bar is drawn again: often enough that it never looks frozen (retries wait seconds). */
const REDRAW_MS = 100;
/** Back to the line's start, and clear it. */
const CLEAR_LINE = '\r\u001b[K';

/**
 * Data goes to stdout; progress, notes and errors to stderr. --quiet keeps only errors on
 * stderr; --verbose adds request lines.
 *
 * Every text written here reaches a terminal inert (src/output/inert.ts): notes, warnings,
 * errors and debug lines are made inert whole (they carry no colour of ours before the
 * prefix), and data and shown text keep only our own colour codes (`terminalSafe`).
 * Renderers make outside text inert before they colour it; this is the last guard.
 *
 * A note, warning, error or debug line is one line, whatever it quotes: a line end in it
 * (`\n`, `\r`, U+2028, U+0085) is shown as an escape, so that a server's text cannot add a
 * line of its own (a forged `error:`) for a person or a script reading stderr line by line.
 * What is meant to be several lines is data (`data`) or shown text (`show`).
 */
export class Output {
  readonly out: ChalkInstance;
  readonly err: ChalkInstance;
  /**
   * Whether to ask questions: stdin and stderr are terminals and not CI. Gates prompts only;
   * spinners and progress bars follow `animated`.
   */
  readonly interactive: boolean;
  /**
   * Whether to draw spinners and progress bars on stderr: a terminal that reports its width,
   * not CI, not --quiet. A terminal reporting 0 columns (some CI runners, serial consoles)
   * gets none: ora would loop forever there.
   */
  readonly animated: boolean;
  /** A progress line is on stderr: clear it before writing anything else there. */
  private lineInUse = false;

  constructor(
    private readonly io: Io,
    readonly env: EnvSettings,
    readonly options: OutputOptions,
  ) {
    this.out = colorFor(io.stdout, env, options.noColor, 'stdout');
    this.err = colorFor(io.stderr, env, options.noColor, 'stderr');
    this.interactive = io.stdin.isTTY === true && io.stderr.isTTY === true && !env.ci;
    this.animated =
      !options.quiet && io.stderr.isTTY === true && !env.ci && io.stderr.columns !== undefined && io.stderr.columns > 0;
  }

  private stderr(text: string): void {
    if (this.lineInUse) this.io.stderr.write(CLEAR_LINE);
    this.io.stderr.write(text);
  }

  /** A line (or lines) of data on stdout: a table, a plan, CSV, Markdown. */
  data(text: string): void {
    const safe = terminalSafe(text);
    this.io.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  }

  /** A --json document on stdout: exact texts once parsed, inert on a terminal (see jsonText). */
  json(value: unknown): void {
    this.data(jsonText(value));
  }

  /** Text for the person on stderr, coloured by us, even with --quiet (the plan before a question). */
  show(text: string): void {
    this.stderr(`${terminalSafe(text)}\n`);
  }

  /** A note on stderr, one line, unless --quiet. */
  info(text: string): void {
    if (!this.options.quiet) this.stderr(`${inert(text)}\n`);
  }

  warn(text: string): void {
    if (!this.options.quiet) this.stderr(`${this.err.yellow('warning:')} ${inert(text)}\n`);
  }

  error(text: string): void {
    this.stderr(`${this.err.red('error:')} ${inert(text)}\n`);
  }

  debug(text: string): void {
    if (this.options.verbose) this.stderr(`${this.err.dim(inert(text))}\n`);
  }

  /**
   * Why no question can be asked, in words, or undefined when one can: "stdin is not a
   * terminal", "stderr (where the question is asked) is not a terminal", both, or CI.
   */
  get notInteractiveBecause(): string | undefined {
    if (this.interactive) return undefined;
    const stdin = this.io.stdin.isTTY === true;
    const stderr = this.io.stderr.isTTY === true;
    const streams =
      !stdin && !stderr
        ? 'neither stdin nor stderr is a terminal'
        : !stdin
          ? 'stdin is not a terminal'
          : !stderr
            ? 'stderr (where the question is asked) is not a terminal'
            : '';
    const ci = this.env.ci ? 'CI is set' : '';
    return [streams, ci].filter((part) => part !== '').join(', and ');
  }

  /** Whether stdout is the terminal (not a pipe or a file). */
  get stdoutIsTerminal(): boolean {
    return this.io.stdout.isTTY === true;
  }

  /** The terminal's width for tables on stdout; undefined off a terminal, or when it reports none. */
  get stdoutWidth(): number | undefined {
    const columns = this.io.stdout.columns;
    return this.io.stdout.isTTY === true && columns !== undefined && columns > 0 ? columns : undefined;
  }

  /** The same for text on stderr (a plan shown there with --json). */
  get stderrWidth(): number | undefined {
    const columns = this.io.stderr.columns;
    return this.io.stderr.isTTY === true && columns !== undefined && columns > 0 ? columns : undefined;
  }

  /**
   * Resolves once everything written to stdout has left the process (into a pipe such as
   * `| tee log`): a prompt on stderr then comes after the plan, not before it.
   */
  flushStdout(): Promise<void> {
    return this.io.stdout.flush?.() ?? Promise.resolve();
  }

  /**
   * A progress bar on stderr, drawn again every 100 ms (so that the time keeps moving while
   * writes wait to be retried); a silent stand-in unless `animated`.
   */
  progressBar(total: number, line: ProgressLine, now: () => number = () => performance.now()): ProgressBar {
    if (!this.animated) return noBar;
    const started = now();
    let counts: ProgressCounts = { total, done: 0, failed: 0, retrying: 0 };
    const draw = (): void => {
      const width = this.io.stderr.columns ?? 80;
      this.io.stderr.write(`${CLEAR_LINE}${line(counts, now() - started, width)}`);
    };
    this.lineInUse = true;
    draw();
    const timer = setInterval(draw, REDRAW_MS);
    timer.unref?.();
    return {
      update(progress) {
        counts = progress;
      },
      stop: () => {
        clearInterval(timer);
        this.lineInUse = false;
        this.io.stderr.write(CLEAR_LINE);
      },
    };
  }

  /** An ora spinner on stderr when `animated`; a silent stand-in otherwise. */
  async spinner(text: string): Promise<Spinner> {
    if (!this.animated) return noSpinner;
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
