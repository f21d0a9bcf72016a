import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { type OutFileKind, checkOutFile, writeOutFile } from '../../src/store/out-file.js';
import { caught } from '../support/caught.js';

/*
 * The rules of `--out FILE`, for any kind of file it writes: relative to the working
 * directory, a regular file only, and an existing one replaced only if it is empty, of its
 * kind, or with --force. (The plan and the dumped policy are checked end to end in test/cli.)
 */

let cwd: string;
beforeEach(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-out-'));
});
afterEach(() => {
  fs.rmSync(cwd, { recursive: true, force: true });
});

const NOTE: OutFileKind = { what: 'a note', isOurs: (text) => text.startsWith('note:'), maxBytes: 1024 };

const foreign = (file: string): string =>
  `--out ${path.join(cwd, file)}: the file exists and is not a note written by ecotaxa-access: choose another name, or add --force to replace it`;

describe('writeOutFile', () => {
  it('writes a new file relative to the working directory and returns its path', () => {
    expect(writeOutFile(cwd, 'n.txt', 'note: one\n', NOTE, false)).toBe(path.join(cwd, 'n.txt'));
    expect(fs.readFileSync(path.join(cwd, 'n.txt'), 'utf8')).toBe('note: one\n');
  });

  it.each([
    ['one of its kind', 'note: old\n'],
    ['an empty file', ''],
  ])('replaces %s without --force', (_name, old) => {
    fs.writeFileSync(path.join(cwd, 'n.txt'), old);
    writeOutFile(cwd, 'n.txt', 'note: new\n', NOTE, false);
    expect(fs.readFileSync(path.join(cwd, 'n.txt'), 'utf8')).toBe('note: new\n');
  });

  it('refuses to replace another file, saying how to, and leaves it as it was', () => {
    fs.writeFileSync(path.join(cwd, 'thesis.tex'), '\\chapter{Results}\n');
    const err = caught(() => writeOutFile(cwd, 'thesis.tex', 'note: new\n', NOTE, false));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(foreign('thesis.tex'));
    expect(fs.readFileSync(path.join(cwd, 'thesis.tex'), 'utf8')).toBe('\\chapter{Results}\n');
  });

  it('replaces another file with --force', () => {
    fs.writeFileSync(path.join(cwd, 'thesis.tex'), '\\chapter{Results}\n');
    writeOutFile(cwd, 'thesis.tex', 'note: new\n', NOTE, true);
    expect(fs.readFileSync(path.join(cwd, 'thesis.tex'), 'utf8')).toBe('note: new\n');
  });

  it('tells a file of its kind by no more than its bound', () => {
    fs.writeFileSync(path.join(cwd, 'n.txt'), `note: ${'x'.repeat(2000)}\n`);
    const err = caught(() => writeOutFile(cwd, 'n.txt', 'note: new\n', NOTE, false));
    expect(err.message).toBe(foreign('n.txt'));
  });
});

describe('checkOutFile', () => {
  it('accepts a new file, and writes nothing', () => {
    expect(() => checkOutFile(cwd, 'n.txt', NOTE, false)).not.toThrow();
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('refuses, before anything is written, another file but not with --force', () => {
    fs.writeFileSync(path.join(cwd, 'thesis.tex'), '\\chapter{Results}\n');
    const err = caught(() => checkOutFile(cwd, 'thesis.tex', NOTE, false));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(foreign('thesis.tex'));
    expect(() => checkOutFile(cwd, 'thesis.tex', NOTE, true)).not.toThrow();
    expect(fs.readFileSync(path.join(cwd, 'thesis.tex'), 'utf8')).toBe('\\chapter{Results}\n');
  });

  it('accepts a file of its kind', () => {
    fs.writeFileSync(path.join(cwd, 'n.txt'), 'note: old\n');
    expect(() => checkOutFile(cwd, 'n.txt', NOTE, false)).not.toThrow();
  });

  it('refuses a directory, and says that `--out -` writes to stdout', () => {
    fs.mkdirSync(path.join(cwd, 'plans'));
    const err = caught(() => checkOutFile(cwd, 'plans', NOTE, true));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(
      `--out ${path.join(cwd, 'plans')}: a directory: --out writes regular files only (\`--out -\` writes to stdout)`,
    );
  });
});
