import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startFakeServer } from '../support/fake-server.js';
import { AQQUA, OWNER } from '../support/people.js';
import { seedWorld } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * An empty or blank value (a script's unset variable: `grant --title "$CRUISE" --yes`) never
 * widens a selection to every project: every option and argument is refused before any
 * request, with one line that names it, and nothing is written.
 */

/** One server and one home for the file: nothing here writes, but the control. */
const { server, home, env } = useFakeEcoTaxa({ scope: 'file' });
/** The working folder of every command, in the home. */
let cwd: string;

beforeAll(() => {
  cwd = path.join(home.home, 'cwd');
  fs.mkdirSync(cwd, { recursive: true });
  fs.writeFileSync(path.join(cwd, 'sharing.yaml'), 'version: 1\nrules: []\n', 'utf8');
});

interface Row {
  argv: string[];
  /** In the error line. */
  says: string;
}

const EMPTY = 'is empty: give a value or leave it out (an unset variable in a script?); nothing was read or sent';

describe('an empty or blank selector is a usage error, before any request', () => {
  const rows: Row[] = [
    { argv: ['grant', '--title', '', '--yes'], says: `--title ${EMPTY}` },
    { argv: ['grant', '--title', ' ', '--yes'], says: '--title is blank (" ")' },
    { argv: ['revoke', '--instrument', '', '--yes'], says: `--instrument ${EMPTY}` },
    { argv: ['grant', '--all', '--exclude', '', '--yes'], says: `--exclude ${EMPTY}` },
    { argv: ['grant', '--all', '--exclude', '12', '--exclude', '\t', '--yes'], says: '--exclude is blank ("\\t")' },
    { argv: ['grant', '--ids-from', '', '--yes'], says: `--ids-from ${EMPTY}` },
    { argv: ['grant', '', '--yes'], says: `argument 1 of \`grant\` ${EMPTY}` },
    { argv: ['grant', '4', '', '--yes'], says: `argument 2 of \`grant\` ${EMPTY}` },
    { argv: ['grant', '--all', '--user', '', '--yes'], says: `--user ${EMPTY}` },
    { argv: ['plan', 'grant', '--title', ''], says: `--title ${EMPTY}` },
    { argv: ['plan', 'revoke', '--instrument', '  '], says: '--instrument is blank ("  ")' },
    { argv: ['projects', 'list', '--title', ''], says: `--title ${EMPTY}` },
    { argv: ['projects', 'list', '--with-user', ''], says: `--with-user ${EMPTY}` },
    { argv: ['projects', 'list', ''], says: `argument 1 of \`projects list\` ${EMPTY}` },
    { argv: ['undo', '', '--yes'], says: `argument 1 of \`undo\` ${EMPTY}` },
    { argv: ['apply', '', '--yes'], says: `argument 1 of \`apply\` ${EMPTY}` },
    { argv: ['sync', '', '--yes'], says: `argument 1 of \`sync\` ${EMPTY}` },
    { argv: ['sync', 'sharing.yaml', '--out', '', '--yes'], says: `--out ${EMPTY}` },
    { argv: ['users', 'find', ''], says: `argument 1 of \`users find\` ${EMPTY}` },
    { argv: ['--url', '', 'grant', '--all', '--yes'], says: `--url ${EMPTY}` },
    // Not blank, but naming nothing or everything all the same.
    { argv: ['grant', '--all', '--exclude', ',', '--yes'], says: '--exclude "," names no project id' },
    { argv: ['grant', ' , ', '--yes'], says: '" , " names no project id' },
    { argv: ['projects', 'list', ','], says: '"," names no project id' },
    { argv: ['grant', '--title', '%', '--yes'], says: '--title "%" matches every project (% and _ are wildcards)' },
    { argv: ['revoke', '--instrument', '%_%', '--yes'], says: '--instrument "%_%" matches every project' },
  ];

  const typed = (argv: string[]): string =>
    argv.map((a) => (a === '' || /[\s,%]/.test(a) ? JSON.stringify(a) : a)).join(' ');
  it.each(rows.map((row) => ({ ...row, name: typed(row.argv) })))('$name', async ({ argv, says }) => {
    const before = server.fake.snapshot();
    const requests = server.requests.length;
    const result = await runCli(argv, { env, cwd });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toContain(says);
    // Not one request: no project read, let alone written.
    expect(server.requests.slice(requests)).toEqual([]);
    expect(server.fake.snapshot()).toEqual(before);
  });

  it('comes out as a usage error with --json', async () => {
    const result = await runCli(['grant', '--title', '', '--yes', '--json'], { env, cwd });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'usage', type: 'UsageError', message: `--title ${EMPTY}`, exitCode: 1 },
    });
  });

  it('control: the same command with a value selects and writes', async () => {
    const own = await startFakeServer(seedWorld());
    try {
      const ownEnv = { ...home.env, ECOTAXA_URL: own.url, ECOTAXA_TOKEN: own.fake.tokenFor(OWNER.id) };
      expect(own.fake.privilegeOf(1, AQQUA.id)).toBeNull();
      const result = await runCli(['grant', '--title', 'Kiel Fjord zooplankton 2019', '--yes'], { env: ownEnv, cwd });
      expect(result.code, result.stderr).toBe(0);
      expect(own.fake.privilegeOf(1, AQQUA.id)).toBe('View');
    } finally {
      await own.close();
    }
  });
});
