import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliResult } from '../support/cli.js';
import { AQQUA, COLLEAGUE, OWNER } from '../support/people.js';
import { A, M, V } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';
import { worldDiff } from '../support/world-diff.js';

/*
 * policy dump against the fake: the file it writes, and that `plan sync` of it plans no
 * change (exit 0 with --detailed-exitcode), additive and authoritative, with names that are
 * not unique and titles that try to break out of their comment; what it refuses, and why.
 */

const { server, home, cli } = useFakeEcoTaxa({ env: { SOURCE_DATE_EPOCH: '1794128400' } });

/** Dumps with `args`, then plans the file: the plan's exit code and its last line. */
async function roundTrip(args: string[]): Promise<{ dump: CliResult; plan: CliResult; file: string }> {
  const before = structuredClone(server.fake.snapshot());
  const dump = await cli(['policy', 'dump', ...args, '--out', 'dumped.yaml']);
  const plan = await cli(['plan', 'sync', 'dumped.yaml', '--detailed-exitcode']);
  expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  return { dump, plan, file: fs.readFileSync(path.join(home.home, 'dumped.yaml'), 'utf8') };
}

describe('policy dump, then plan sync: no change', () => {
  it.each([
    ['every project you manage, additive', []],
    ['with the managers, authoritative', ['--include-managers', '--authoritative']],
    ['some projects, some users', ['1-8', '--instrument', 'Zooscan', '--user', '10', '--user', 'Carl Colleague']],
  ])('%s', async (_name, args) => {
    const { dump, plan } = await roundTrip(args);
    expect(dump.code).toBe(0);
    expect(dump.stdout).toBe('');
    expect(dump.stderr).toMatch(
      /^Wrote \d+ rules? for \d users? on \d+ projects? to .*dumped\.yaml: `ecotaxa-access plan sync dumped\.yaml` plans no change until rights change\.\n$/,
    );
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/\nNo changes\. \d+ unchanged, 0 skipped\.\n$/);
  });

  it('users whose names are not unique are written by id, so sync finds exactly them', async () => {
    for (const id of [40, 41]) {
      server.fake.addUser({ id, email: `sam${id}@example.org`, name: 'Sam Same', organisation: 'x', password: 'p' });
    }
    server.fake.projects.get(15)?.privileges.push(V(40), A(41));
    const { plan, file } = await roundTrip(['15']);
    expect(plan.code).toBe(0);
    expect(file).toContain(
      '  # Sam Same <sam40@example.org> (#40): View on 1 project\n  - name: user-40-view\n    user: 40\n',
    );
    expect(file).toContain(
      '  # Sam Same <sam41@example.org> (#41): Annotate on 1 project\n  - name: user-41-annotate\n    user: 41\n',
    );
  });

  it('titles and names that try to break out of their comment stay in it', async () => {
    const evil = 'Evil\nrules: []\r\n# version: 2\u2028- user: 9 ]}';
    server.fake.addUser({ id: 42, email: 'eve@evil.example', name: evil, organisation: evil, password: 'p' });
    server.fake.addProject({ projid: 60, title: evil, instrument: 'Zooscan', privileges: [M(OWNER.id, 'C'), V(42)] });
    const { plan, file } = await roundTrip(['60']);
    expect(plan.code).toBe(0);
    expect(file).toContain('#       60  Evil\\nrules: []\\r\\n# version: 2\\u2028- user: 9 ]}\n');
    expect(file).toContain(
      '  # Evil\\nrules: []\\r\\n# version: 2\\u2028- user: 9 ]} <eve@evil.example> (#42): View on 1 project\n',
    );
  });

  it('--json writes the same policy as JSON, which sync reads too', async () => {
    const dump = await cli(['policy', 'dump', '4-6', '--json']);
    expect(dump.code).toBe(0);
    expect(JSON.parse(dump.stdout)).toEqual({
      version: 1,
      server: server.url,
      rules: [
        { name: 'user-10-annotate', user: 10, right: 'annotate', mode: 'additive', projects: { ids: [6] } },
        { name: 'user-10-view', user: 10, right: 'view', mode: 'additive', projects: { ids: [4] } },
        { name: 'user-11-annotate', user: 11, right: 'annotate', mode: 'additive', projects: { ids: [5] } },
        { name: 'user-11-view', user: 11, right: 'view', mode: 'additive', projects: { ids: [4] } },
      ],
    });
    fs.writeFileSync(path.join(home.home, 'dumped.json'), dump.stdout);
    expect((await cli(['plan', 'sync', 'dumped.json', '--detailed-exitcode'])).code).toBe(0);
  });
});

describe('policy dump on stdout', () => {
  it('the file itself: a comment naming each project, then one rule per user and right', async () => {
    const result = await cli(['policy', 'dump', '4-8']);
    expect(result).toEqual({
      code: 0,
      stdout: [
        '# The rights 3 users hold on 5 projects you manage, as of 2026-11-08 09:00 UTC,',
        '# written by `ecotaxa-access policy dump` for Olivia Owner <owner@example.org> (#9).',
        "# Every member but you; the managers' Manage rights are left out (--include-managers adds them).",
        '# Rules are additive: sync grants what a rule lists and takes nothing back.',
        '# Rights of inactive accounts, which the API never shows, are not in this file.',
        "# `ecotaxa-access plan sync FILE` plans no change until someone's rights change.",
        '#',
        '# The projects (id, title):',
        '#        4  Baltic Sea transect AL557',
        '#        5  Gotland Basin deep chlorophyll maximum',
        '#        6  Eckernförde Bay mesozooplankton',
        '#        7  Helgoland Roads copepods (co-managed)',
        '#        8  Bornholm Basin larval fish (legacy contact)',
        'version: 1',
        `server: "${server.url}"`,
        'rules:',
        '  # AqQua <aqqua@geomar.de> (#10): Annotate on 1 project',
        '  - name: user-10-annotate',
        '    user: 10',
        '    right: annotate',
        '    mode: additive',
        '    projects:',
        '      ids: [6]',
        '  # AqQua <aqqua@geomar.de> (#10): View on 1 project',
        '  - name: user-10-view',
        '    user: 10',
        '    right: view',
        '    mode: additive',
        '    projects:',
        '      ids: [4]',
        '  # Carl Colleague <colleague@example.org> (#11): Annotate on 2 projects',
        '  - name: user-11-annotate',
        '    user: 11',
        '    right: annotate',
        '    mode: additive',
        '    projects:',
        '      ids: [5, 8]',
        '  # Carl Colleague <colleague@example.org> (#11): View on 1 project',
        '  - name: user-11-view',
        '    user: 11',
        '    right: view',
        '    mode: additive',
        '    projects:',
        '      ids: [4]',
        '  # Victor Villefranche <victor@example.org> (#12): View on 1 project',
        '  - name: user-12-view',
        '    user: 12',
        '    right: view',
        '    mode: additive',
        '    projects:',
        '      ids: [7]',
        '',
      ].join('\n'),
      stderr: '5 rules for 3 users on 5 projects.\n',
    });
  });
});

describe('policy dump refuses', () => {
  it('--authoritative with selectors, before any request: its rules would take rights back outside them', async () => {
    for (const selector of [['4-8'], ['--title', 'Kiel'], ['--exclude', '7']]) {
      const result = await cli(['policy', 'dump', '--authoritative', ...selector]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'error: --authoritative with selectors: an authoritative rule takes its right back from every project you manage that it does not list, so sync would revoke outside the selection; dump every project (no selector), or leave out --authoritative\n',
      );
    }
    expect(server.routes.size).toBe(0);
  });

  it('--user naming you (sync refuses a rule about you), or nobody', async () => {
    const me = await cli(['policy', 'dump', '--user', OWNER.email]);
    expect(me.code).toBe(1);
    expect(me.stderr).toBe(
      `error: --user "${OWNER.email}" is you: a policy never names you (sync refuses it); leave it out\n`,
    );
    const nobody = await cli(['policy', 'dump', '--user', '999']);
    expect(nobody).toMatchObject({ code: 1, stdout: '', stderr: 'error: --user "999": EcoTaxa has no user #999\n' });
  });

  it('a dump with no rule: one line, exit 1; a named user without a right: a warning', async () => {
    const empty = await cli(['policy', 'dump', '15']);
    expect(empty).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: nothing to dump: no one but you holds a right on the 1 selected project (managers are left out unless --include-managers)\n',
    });
    const some = await cli(['policy', 'dump', '4', '15', '--user', String(AQQUA.id), '--user', String(COLLEAGUE.id)]);
    expect(some.code).toBe(0);
    const none = await cli(['policy', 'dump', '15', '--user', String(AQQUA.id)]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      'warning: AqQua <aqqua@geomar.de> (#10) holds no right on the selected projects: no rule for them\nerror: nothing to dump: no one named holds a right on the 1 selected project\n',
    );
  });

  it('an --out that cannot be written: one line, exit 1', async () => {
    const result = await cli(['policy', 'dump', '--out', 'no/such/dir/sharing.yaml']);
    expect(result.code).toBe(1);
    const target = path.join(home.home, 'no/such/dir/sharing.yaml');
    expect(result.stderr).toBe(`error: --out ${target}: cannot write a policy (ENOENT)\n`);
  });

  it('a named id not found: the dump of the rest, then one line, exit 1', async () => {
    const result = await cli(['policy', 'dump', '6', '999']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  - name: user-10-annotate\n');
    expect(result.stderr).toBe('1 rule for 1 user on 1 project.\nerror: 999: not found, or you have no right on it\n');
  });
});
