import { describe, expect, it, vi } from 'vitest';
import { readEnv } from '../../src/config/env.js';
import type { Io, TextOut } from '../../src/output/io.js';
import { Output } from '../../src/output/output.js';

/* The output layer: whatever a command hands it, nothing that reaches a terminal acts on it. */

function capture(): TextOut & { text: string } {
  const out = {
    text: '',
    isTTY: true,
    columns: 80,
    write(chunk: string) {
      out.text += chunk;
      return true;
    },
  };
  return out;
}

function output(options: { verbose?: boolean } = {}): {
  output: Output;
  stdout: { text: string };
  stderr: { text: string };
} {
  const stdout = capture();
  const stderr = capture();
  const io = { stdout, stderr, stdin: { isTTY: false }, env: { FORCE_COLOR: '1' }, cwd: '/' } as unknown as Io;
  const env = readEnv(io.env);
  return {
    output: new Output(io, env, { quiet: false, verbose: options.verbose === true, noColor: false }),
    stdout,
    stderr,
  };
}

const HOSTILE = 'x\u001b[8m\u001b[2J\r\u009b\u202e\u200b';
const SHOWN = 'x\\x1b[8m\\x1b[2J\\r\\x9b\\u202e\\u200b';

describe('Output', () => {
  it('makes notes, warnings, errors and debug lines inert whole: no colour code from outside passes', () => {
    const { output: o, stderr } = output({ verbose: true });
    o.info(`note ${HOSTILE}`);
    o.warn(`warn ${HOSTILE}`);
    o.error(`err ${HOSTILE}`);
    o.debug(`GET ${HOSTILE}`);
    expect(stderr.text).toBe(
      [
        `note ${SHOWN}`,
        `\u001b[33mwarning:\u001b[39m warn ${SHOWN}`,
        `\u001b[31merror:\u001b[39m err ${SHOWN}`,
        `\u001b[2mGET ${SHOWN}\u001b[22m`,
        '',
      ].join('\n'),
    );
  });

  it('writes each note, warning, error and debug line as one line, whatever line end it quotes', () => {
    const { output: o, stderr } = output({ verbose: true });
    const forged = 'a\nerror: forged\r\nb\u2028c\u2029d\u0085e';
    const shown = 'a\\nerror: forged\\r\\nb\\u2028c\\u2029d\\x85e';
    o.info(`note ${forged}`);
    o.warn(`warn ${forged}`);
    o.error(`err ${forged}`);
    o.debug(`GET ${forged}`);
    expect(stderr.text.split('\n')).toEqual([
      `note ${shown}`,
      `\u001b[33mwarning:\u001b[39m warn ${shown}`,
      `\u001b[31merror:\u001b[39m err ${shown}`,
      `\u001b[2mGET ${shown}\u001b[22m`,
      '',
    ]);
  });

  it('keeps our colours in data and shown text, and escapes everything else', () => {
    const { output: o, stdout, stderr } = output();
    o.data(`${o.out.green('+')} ${HOSTILE}`);
    o.show(`${o.err.bold('Plan')} ${HOSTILE}`);
    expect(stdout.text).toBe(`\u001b[32m+\u001b[39m ${SHOWN}\n`);
    expect(stderr.text).toBe(`\u001b[1mPlan\u001b[22m ${SHOWN}\n`);
  });

  it('writes --json through one writer: exact once parsed, inert as printed', () => {
    const { output: o, stdout } = output();
    o.json({ title: HOSTILE });
    expect(stdout.text).toBe('{\n  "title": "x\\u001b[8m\\u001b[2J\\r\\u009b\\u202e\\u200b"\n}\n');
    expect(JSON.parse(stdout.text)).toEqual({ title: HOSTILE });
  });

  it('draws the progress line its caller renders, from the counts, the time since the start and the width', () => {
    vi.useFakeTimers();
    try {
      const { output: o, stderr } = output();
      let now = 1_000;
      const bar = o.progressBar(
        5,
        (p, ms, width) => `${p.done}/${p.total} ${p.failed} ${p.retrying} ${ms}ms ${width}`,
        () => now,
      );
      now = 1_500;
      bar.update({ total: 5, done: 2, failed: 1, retrying: 1 });
      vi.advanceTimersByTime(100);
      bar.stop();
      expect(stderr.text).toBe('\r\u001b[K0/5 0 0 0ms 80\r\u001b[K2/5 1 1 500ms 80\r\u001b[K');
    } finally {
      vi.useRealTimers();
    }
  });
});
