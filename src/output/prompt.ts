import { InterruptedError, UserError } from '../errors.js';
import { inertLines } from './inert.js';
import type { Io, TextIn } from './io.js';

/** Input typed past the end of one answer, kept for the next prompt on the same stream. */
const leftovers = new WeakMap<TextIn, string>();

/** Ctrl-D on an empty line: no answer, so nothing happens (exit 1, like a "no"). */
function endOfInput(): UserError {
  return new UserError('cancelled (end of input): nothing was changed', { errorCode: 'cancelled' });
}

/**
 * Reads one line typed at the terminal. With `hidden`, the characters are not echoed
 * (a password); Ctrl-C at the prompt stops the command (exit 130). Ctrl-D ends the line
 * (the terminal does not), so that an error that follows starts on a line of its own.
 * Listens for 'data' rather than iterating the stream: iterating would destroy stdin when
 * the loop ends early, and a second prompt could no longer read.
 */
export function promptLine(io: Io, question: string, options: { hidden?: boolean } = {}): Promise<string> {
  const stdin = io.stdin;
  // The question names users and servers, and is never coloured: nothing in it may act on the terminal.
  io.stderr.write(inertLines(question));
  const raw = options.hidden === true && stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  return new Promise<string>((resolve, reject) => {
    let line = '';
    let done = false;
    const finish = (error: Error | undefined, rest = '', ended = false): void => {
      done = true;
      stdin.off?.('data', onData);
      stdin.off?.('end', onEnd);
      if (raw) stdin.setRawMode?.(false);
      if (raw || ended) io.stderr.write('\n');
      stdin.pause?.();
      if (rest !== '') leftovers.set(stdin, rest);
      if (error === undefined) resolve(line);
      else reject(error);
    };
    const consume = (text: string): void => {
      const chars = [...text];
      for (let i = 0; i < chars.length; i++) {
        const ch = chars[i] as string;
        if (ch === '\u0003') return finish(new InterruptedError());
        if (ch === '\u0004' && line === '') return finish(endOfInput(), '', !raw);
        if (ch === '\r' || ch === '\n') {
          const rest = chars.slice(i + (ch === '\r' && chars[i + 1] === '\n' ? 2 : 1)).join('');
          return finish(undefined, rest);
        }
        if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
        else line += ch;
      }
    };
    const onData = (chunk: unknown): void => consume(typeof chunk === 'string' ? chunk : String(chunk));
    const onEnd = (): void => finish(line === '' ? endOfInput() : undefined, '', true);

    const pending = leftovers.get(stdin);
    leftovers.delete(stdin);
    if (pending !== undefined) {
      consume(pending);
      if (done) return;
    }
    if (raw) stdin.setRawMode?.(true);
    stdin.setEncoding?.('utf8');
    stdin.on?.('data', onData);
    stdin.on?.('end', onEnd);
    stdin.resume?.();
  });
}

/** Asks before writing; only "y" or "yes" (any case) is a yes. */
export async function confirm(io: Io, question: string): Promise<boolean> {
  const answer = (await promptLine(io, `${question} Only "yes" or "y" is accepted: `)).trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

/**
 * The text of `chunks` up to `maxBytes` bytes; undefined as soon as there is more. Leaving the
 * loop closes the stream, so nothing past the bound is read: an endless stream (`< /dev/zero`,
 * a stdin that never closes) is refused there instead of filling memory.
 */
export async function readUpTo(chunks: AsyncIterable<string | Buffer>, maxBytes: number): Promise<string | undefined> {
  const buffers: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += buffer.length;
    if (size > maxBytes) return undefined;
    buffers.push(buffer);
  }
  return Buffer.concat(buffers).toString('utf8');
}

/**
 * stdin up to `maxBytes` bytes (for --password-stdin, --token-stdin, --ids-from -), input
 * typed past a prompt's answer first; undefined as soon as there is more.
 */
export function readStdinUpTo(io: Io, maxBytes: number): Promise<string | undefined> {
  const typed = leftovers.get(io.stdin);
  leftovers.delete(io.stdin);
  return readUpTo(typed === undefined ? io.stdin : after(typed, io.stdin), maxBytes);
}

async function* after(first: string, rest: AsyncIterable<string | Buffer>): AsyncGenerator<string | Buffer> {
  yield first;
  // Closing this generator early closes `rest` too.
  yield* rest;
}
