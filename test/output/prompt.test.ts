import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/output/io.js';
import { promptLine, readStdinUpTo, readUpTo } from '../../src/output/prompt.js';

/*
 * The bounded reader behind --password-stdin, --token-stdin and --ids-from: what is under its
 * bound is read whole, anything more is refused without being read to its end.
 */

const KIB = 1024;

describe('readUpTo', () => {
  it('reads a stream under the bound whole, text and bytes alike', async () => {
    expect(await readUpTo(Readable.from(['pass', Buffer.from('wörd')]), 64 * KIB)).toBe('passwörd');
    expect(await readUpTo(Readable.from([]), 64 * KIB)).toBe('');
  });

  it('reads a stream of exactly the bound', async () => {
    const text = await readUpTo(Readable.from([Buffer.alloc(48 * KIB, 'a'), 'b'.repeat(16 * KIB)]), 64 * KIB);
    expect(text).toBe(`${'a'.repeat(48 * KIB)}${'b'.repeat(16 * KIB)}`);
  });

  it('refuses a stream one byte over the bound', async () => {
    expect(await readUpTo(Readable.from(['a'.repeat(64 * KIB), 'b']), 64 * KIB)).toBeUndefined();
  });

  it('counts bytes, not characters, and decodes a character split between two chunks', async () => {
    // "é" is two bytes in UTF-8.
    expect(await readUpTo(Readable.from(['ééé']), 5)).toBeUndefined();
    const e = Buffer.from('é');
    expect(await readUpTo(Readable.from([Buffer.from('ca'), e.subarray(0, 1), e.subarray(1)]), 4)).toBe('caé');
  });

  it('stops reading a stream that never ends, and closes it', async () => {
    let produced = 0;
    const endless = new Readable({
      highWaterMark: 16 * KIB,
      read() {
        produced += KIB;
        this.push(Buffer.alloc(KIB));
      },
    });
    expect(await readUpTo(endless, 64 * KIB)).toBeUndefined();
    expect(endless.destroyed).toBe(true);
    // The bound, the chunk past it, and what the stream had buffered ahead of the reader.
    expect(produced).toBeLessThanOrEqual(64 * KIB + KIB + 16 * KIB);
  });
});

describe('readStdinUpTo', () => {
  const sink = { write: () => true };
  const ioOf = (stdin: Readable): Io => ({ stdin, stdout: sink, stderr: sink, env: {}, cwd: '/' });

  it('reads what was typed past a prompt first, and counts it in the bound', async () => {
    const io = ioOf(Readable.from(['owner@example.org\nsecret', '-and-more']));
    expect(await promptLine(io, 'Email: ')).toBe('owner@example.org');
    expect(await readStdinUpTo(io, 64 * KIB)).toBe('secret-and-more');

    const over = ioOf(Readable.from([`owner@example.org\n${'s'.repeat(10)}`, 'x']));
    expect(await promptLine(over, 'Email: ')).toBe('owner@example.org');
    expect(await readStdinUpTo(over, 10)).toBeUndefined();
  });
});
