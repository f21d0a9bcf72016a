import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TextFileError, firstInvalidUtf8, readTextFile } from '../../src/files/read-text.js';
import { caught } from '../support/caught.js';

/*
 * readTextFile: the one way the tool reads a file. A FIFO must not block it, /dev/zero must
 * not fill the memory, and bytes that are not UTF-8 are refused with where they are.
 */

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-read-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const read = (file: string, maxBytes = 1024): string => readTextFile(file, { what: 'the plan', maxBytes });

function refusal(file: string, maxBytes = 1024): TextFileError {
  const err = caught(() => read(file, maxBytes));
  expect(err).toBeInstanceOf(TextFileError);
  return err as TextFileError;
}

describe('readTextFile', () => {
  it('reads a regular file, and one through a symbolic link, without a byte-order mark', () => {
    const file = path.join(dir, 'a.json');
    fs.writeFileSync(file, '\ufeff{"é": "東"}\n');
    fs.symlinkSync(file, path.join(dir, 'link.json'));
    expect(read(file)).toBe('{"é": "東"}\n');
    expect(read(path.join(dir, 'link.json'))).toBe('{"é": "東"}\n');
  });

  it('refuses a FIFO at once instead of waiting for a writer that never comes', () => {
    const fifo = path.join(dir, 'x.jsonl');
    execFileSync('mkfifo', [fifo]);
    const err = refusal(fifo);
    expect(err.problem).toBe('not-regular');
    expect(err.message).toBe(`cannot read the plan ${fifo}: it is a FIFO (named pipe), not a regular file`);
  });

  it('refuses a symbolic link to /dev/zero, a directory and a missing file', () => {
    const zero = path.join(dir, 'zero.json');
    fs.symlinkSync('/dev/zero', zero);
    expect(refusal(zero).message).toBe(`cannot read the plan ${zero}: it is a device, not a regular file`);
    expect(refusal(dir).message).toBe(`cannot read the plan ${dir}: it is a directory`);
    const missing = path.join(dir, 'missing.json');
    expect(refusal(missing).message).toBe(`cannot read the plan ${missing}: no such file`);
    const dangling = path.join(dir, 'dangling.json');
    fs.symlinkSync(missing, dangling);
    expect(refusal(dangling).problem).toBe('missing');
  });

  it('refuses a file larger than its bound, saying both sizes', () => {
    const file = path.join(dir, 'big.json');
    fs.writeFileSync(file, 'x'.repeat(4 * 1024));
    expect(refusal(file, 3 * 1024).message).toBe(
      `cannot read the plan ${file}: it is 4 KiB, more than the 3 KiB this tool reads`,
    );
    fs.writeFileSync(file, 'x'.repeat(3 * 1024));
    expect(read(file, 3 * 1024)).toHaveLength(3 * 1024);
  });

  it('refuses bytes that are not UTF-8, naming the line and column where they start', () => {
    const file = path.join(dir, 'latin1.yaml');
    // "title: Eckernförde" saved as Latin-1: ö is the single byte F6.
    fs.writeFileSync(file, Buffer.concat([Buffer.from('version: 1\n  title: Eckernf'), Buffer.from([0xf6, 0x72])]));
    const err = refusal(file);
    expect(err.problem).toBe('not-utf8');
    expect(err.message).toBe(
      `cannot read the plan ${file}: line 2, column 17 is not UTF-8 text: save the file as UTF-8`,
    );
    // Columns count characters, not bytes.
    fs.writeFileSync(file, Buffer.concat([Buffer.from('東京 '), Buffer.from([0xff])]));
    expect(refusal(file).message).toContain('line 1, column 4 is not UTF-8');
  });

  it('shows a file name from outside inert', () => {
    const file = path.join(dir, 'evil\u001b[2J.json');
    expect(refusal(file).message).toBe(`cannot read the plan ${dir}/evil\\x1b[2J.json: no such file`);
  });
});

describe('firstInvalidUtf8', () => {
  it.each([
    ['ASCII', [0x61, 0x62], 2],
    ['a two-byte character', [0xc3, 0xa9], 2],
    ['a four-byte emoji', [0xf0, 0x9f, 0xa6, 0x90], 4],
    ['a stray continuation byte', [0x61, 0x80], 1],
    ['an overlong slash', [0xc0, 0xaf], 0],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf], 0],
    ['a surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a truncated character', [0x61, 0xe6, 0x9d], 1],
  ])('%s', (_name, bytes, offset) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(offset);
  });
});
