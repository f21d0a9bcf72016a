import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { Io, ProjectPicker, TextIn, WritePhase } from '../../src/output/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

class Capture {
  text = '';
  /** How many times the tool waited for its output to leave the process (Output.flushStdout). */
  flushes = 0;
  constructor(
    readonly isTTY = false,
    readonly columns = 120,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  flush(): Promise<void> {
    this.flushes++;
    return Promise.resolve();
  }
  // What ora calls on a terminal stream.
  cursorTo(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** What stdin holds: a text, or chunks as they come (a generator may never end, as `< /dev/zero`). */
  stdin?: string | Iterable<string>;
  /**
   * Pretend stdin and stderr are a terminal (prompts allowed), or say which of the two is
   * (`{ stdin: true, stderr: false }`: stderr redirected, as by `2>&1 | tail`).
   */
  tty?: boolean | { stdin: boolean; stderr: boolean };
  cwd?: string;
  interrupt?: AbortSignal;
  /** Record backoff waits instead of waiting. */
  sleeps?: number[];
  /** What the binary's SIGINT handler reads: set while writes are under way. */
  writePhase?: WritePhase;
  /**
   * Pretend stdout is a terminal this many columns wide (0: one that reports no width);
   * stderr then reports the same width. Default: stdout is a pipe.
   */
  columns?: number;
  /** --pick's list, in place of the terminal one. */
  pick?: ProjectPicker;
}

/** A private home: the folder, and the variables that point the tool at it. */
export interface Home {
  readonly home: string;
  /** HOME, XDG_CONFIG_HOME (credentials) and XDG_STATE_HOME (journals). */
  readonly env: Record<string, string>;
}

export interface TempHome extends Home {
  cleanup: () => void;
}

/** A home of its own for each test: config, credentials and journals under a temp dir. */
export function tempHome(): TempHome {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-test-'));
  return {
    home,
    env: {
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_STATE_HOME: path.join(home, '.local', 'state'),
    },
    cleanup: () => fs.rmSync(home, { recursive: true, force: true }),
  };
}

function stdinOf(text: string | Iterable<string> | undefined, tty: boolean): TextIn {
  const chunks = text === undefined ? [] : typeof text === 'string' ? [text] : text;
  const stream = Readable.from(chunks) as unknown as TextIn & {
    isTTY?: boolean;
    setRawMode?: (m: boolean) => void;
  };
  stream.isTTY = tty;
  if (tty) stream.setRawMode = () => undefined;
  return stream;
}

/** Runs the CLI in-process, as the binary would, with captured output and a private home. */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<CliResult> {
  const stdout = new Capture(options.columns !== undefined, options.columns);
  const tty =
    typeof options.tty === 'object' ? options.tty : { stdin: options.tty === true, stderr: options.tty === true };
  const stderr = new Capture(tty.stderr, options.columns);
  const io: Io = {
    stdout,
    stderr,
    stdin: stdinOf(options.stdin, tty.stdin),
    env: { NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    interrupt: options.interrupt,
    writePhase: options.writePhase,
    sleep: (ms) => {
      options.sleeps?.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    pick: options.pick,
  };
  const code = await main(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Secrets that appeared in any captured output, one line each ("argv: first characters…"). */
export function leaks(
  outputs: readonly { argv: readonly string[]; result: CliResult }[],
  secrets: Iterable<string>,
): string[] {
  const found: string[] = [];
  for (const { argv, result } of outputs) {
    for (const secret of secrets) {
      if (result.stdout.includes(secret) || result.stderr.includes(secret))
        found.push(`${argv.join(' ')}: ${secret.slice(0, 6)}…`);
    }
  }
  return found;
}
