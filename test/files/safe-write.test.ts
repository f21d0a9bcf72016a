import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/errors.js';
import { type SafeWriteOptions, writeFileSafely } from '../../src/files/safe-write.js';
import { caught } from '../support/caught.js';

/*
 * writeFileSafely's atomic replacement: the temporary file sits beside the target and is
 * gone afterwards, whether the write succeeded or not. (What it refuses is checked end to
 * end in test/cli/plan-out.test.ts.)
 */

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-write-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const OPTIONS: SafeWriteOptions = {
  what: 'a plan',
  flag: '--out',
  isOurs: (text) => text.startsWith('ours'),
  maxBytes: 1024,
  force: false,
};

describe('writeFileSafely', () => {
  it('replaces a file of ours through a temporary file in the same folder, leaving none', () => {
    const file = path.join(dir, 'p.json');
    fs.writeFileSync(file, 'ours, old\n');
    const renames: [string, string][] = [];
    const rename = fs.renameSync.bind(fs);
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      renames.push([String(from), String(to)]);
      rename(from, to);
    });
    expect(writeFileSafely(file, 'ours, new\n', OPTIONS)).toBe(file);
    expect(fs.readFileSync(file, 'utf8')).toBe('ours, new\n');
    expect(renames).toHaveLength(1);
    expect(path.dirname(renames[0]?.[0] ?? '')).toBe(dir);
    expect(fs.readdirSync(dir)).toEqual(['p.json']);
  });

  it('removes the temporary file when the rename fails, and leaves the target as it was', () => {
    const file = path.join(dir, 'p.json');
    fs.writeFileSync(file, 'ours, old\n');
    vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      throw Object.assign(new Error('cross-device link'), { code: 'EXDEV' });
    });
    const err = caught(() => writeFileSafely(file, 'ours, new\n', OPTIONS));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(`--out ${file}: cannot write a plan (EXDEV)`);
    expect(fs.readdirSync(dir)).toEqual(['p.json']);
    expect(fs.readFileSync(file, 'utf8')).toBe('ours, old\n');
  });
});
