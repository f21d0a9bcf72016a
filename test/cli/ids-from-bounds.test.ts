import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_IDS_FILE_BYTES, readIdsFrom } from '../../src/selection/select.js';
import { InputError } from '../../src/errors.js';
import type { Io } from '../../src/output/io.js';
import { runCli } from '../support/cli.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * --ids-from and the ids on the line share one bound (1,000,000 ids), and a file is read only
 * up to 64 MB: a long list never overflows the call stack, and an endless stream (/dev/zero,
 * a stdin that never closes) is refused with one line instead of filling memory.
 */

/** One server and one home for the file: nothing here writes. */
const { server, home, env } = useFakeEcoTaxa({ scope: 'file' });
/** The working folder of every command, in the home. */
let cwd: string;

function file(name: string, content: string): string {
  fs.writeFileSync(path.join(cwd, name), content, 'utf8');
  return name;
}

const lines = (from: number, to: number): string => {
  const out: string[] = [];
  for (let id = from; id <= to; id++) out.push(String(id));
  return `${out.join('\n')}\n`;
};

beforeAll(() => {
  cwd = path.join(home.home, 'cwd');
  fs.mkdirSync(cwd, { recursive: true });
});

describe('long lists', () => {
  it('a range of 200,000 ids in a file plans, instead of overflowing the call stack', async () => {
    const result = await runCli(['plan', 'grant', '--ids-from', file('range.txt', '1-200000\n'), '--json'], {
      env,
      cwd,
    });
    // Ids of a range are named: the skipped ones among them make the plan exit 1, after it is shown.
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('internal error');
    const plan = JSON.parse(result.stdout) as { summary: { change: number }; notes: string[] };
    expect(plan.summary.change).toBeGreaterThan(0);
    expect(plan.notes).toContainEqual(
      expect.stringMatching(/^1999\d\d id\(s\) in your ranges are not projects you can see; they are not listed\.$/),
    );
  });

  it('200,000 ids one per line: each not found is listed, the table is drawn', async () => {
    const result = await runCli(['plan', 'grant', '--ids-from', file('many.txt', lines(1, 200_000))], {
      env,
      cwd,
    });
    // Named ids that are not found make the plan exit 1, after showing it all.
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('internal error');
    expect(result.stdout).toContain('\n  !  200000  ');
    expect(result.stdout).toMatch(/\nPlan: \d+ to grant, \d+ unchanged, 1999\d\d skipped\.\n$/);
  });
});

describe('one bound, 1,000,000 ids, over every source', () => {
  it.each([
    {
      name: 'a range in a file',
      argv: ['grant', '--ids-from', 'huge.txt', '--yes'],
      content: '1-1000001\n',
      says: '--ids-from huge.txt line 1: range 1-1000001 names too many ids (at most 1,000,000 in all): split the selection into several runs',
    },
    {
      name: 'ids on the line and in a file together',
      argv: ['grant', '1-600000', '--ids-from', 'huge.txt', '--yes'],
      content: '# more\n600001-1000000\n1000001\n',
      says: '--ids-from huge.txt line 3: id 1000001 names too many ids (at most 1,000,000 in all): split the selection into several runs',
    },
  ])('$name: a usage error before any request', async ({ argv, content, says }) => {
    file('huge.txt', content);
    const requests = server.requests.length;
    const result = await runCli(argv, { env, cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: ${says}\n`);
    expect(server.requests.slice(requests)).toEqual([]);
  });
});

describe('a file or stream larger than 64 MB', () => {
  it('/dev/zero: one readable line, no request', async () => {
    const requests = server.requests.length;
    const result = await runCli(['grant', '--ids-from', '/dev/zero', '--yes'], { env, cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: --ids-from /dev/zero: larger than 64 MB, far more than 1,000,000 ids take (the most a selection names): give a smaller file, or split it into several runs\n',
    );
    expect(server.requests.slice(requests)).toEqual([]);
  });

  it('a regular file over the bound is refused by its size, before it is read', async () => {
    const big = path.join(cwd, 'sparse.txt');
    // Sparse: 64 MB and one byte, without writing them.
    fs.writeFileSync(big, '');
    fs.truncateSync(big, MAX_IDS_FILE_BYTES + 1);
    const result = await runCli(['grant', '--ids-from', 'sparse.txt', '--yes'], { env, cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: --ids-from sparse\.txt: larger than 64 MB, far more than 1,000,000 ids/);
    expect(MAX_IDS_FILE_BYTES).toBe(64 * 1024 * 1024);
  });

  it('a stdin that never ends is read only up to the bound', async () => {
    let chunks = 0;
    const chunk = `${'1\n'.repeat(32 * 1024)}`;
    function* endless(): Generator<string> {
      for (;;) {
        chunks++;
        yield chunk;
      }
    }
    const io = { stdin: Readable.from(endless()), cwd } as unknown as Io;
    const err = await readIdsFrom(io, '-', undefined, 1024 * 1024).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^--ids-from stdin: larger than 1 MB, far more than 1,000,000 ids take/);
    // 1 MB of 64 kB chunks, and the one that went past it: then no more was asked of the stream.
    expect(chunks).toBeLessThanOrEqual(1024 / 64 + 2);
  });

  it('an unreadable file names why, never "undefined"', async () => {
    const result = await runCli(['grant', '--ids-from', 'no/such/file.txt', '--yes'], { env, cwd });
    expect(result.stderr).toBe('error: --ids-from no/such/file.txt: cannot read it (no such file)\n');
  });
});
