import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AQQUA, OWNER, VICTOR } from '../support/people.js';
import { M } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';
import { worldDiff } from '../support/world-diff.js';

/*
 * sync and plan sync against the stateful fake EcoTaxa: after each run the server's whole
 * state differs from before exactly where the policy asked, and nowhere else.
 */

/** "Today" for the tool: 2026-11-08T09:00:00Z (SOURCE_DATE_EPOCH), as in the recordings. */
const NOV_2026 = '1794128400';
/** 2027-07-31T00:00:00Z, the day the AqQua rule ends. */
const END_OF_PAPER = String(Date.UTC(2027, 6, 31) / 1000);

const { server, home, env, cli } = useFakeEcoTaxa({ env: { SOURCE_DATE_EPOCH: NOV_2026 } });

/** Writes a policy into the test's home and returns its name. */
function policy(text: string, name = 'sharing.yaml'): string {
  fs.writeFileSync(path.join(home.home, name), text);
  return name;
}

const puts = (): number => server.fake.log.filter((r) => r.method === 'PUT').length;

/** AqQua's View on the UVP projects but two, until the data paper; Victor annotates the UVP6 ones. */
const TWO_USERS = `version: 1
rules:
  - user: aqqua@geomar.de
    right: view
    projects:
      instrument: [UVP5HD, UVP5SD, UVP6]
      exclude: [12, 14]
    until: 2027-07-31
  - name: victor-uvp6
    user: Victor Villefranche
    right: annotate
    projects: { instrument: UVP6 }
`;

const FIRST_SYNC = [
  `3: user ${AQQUA.id} none→View`,
  `3: user ${VICTOR.id} none→Annotate`,
  `5: user ${AQQUA.id} none→View`,
  `11: user ${VICTOR.id} none→Annotate`,
  `19: user ${AQQUA.id} none→View`,
  `19: user ${VICTOR.id} none→Annotate`,
];

describe('a first sync', () => {
  it('plans each rule on the projects it selects, with the user and the rule on each line', async () => {
    const file = policy(TWO_USERS);
    const result = await cli(['plan', 'sync', file]);
    expect(result).toEqual({
      code: 0,
      stdout: `Server:  ${server.url}
You:     Olivia Owner <owner@example.org> (#9)
Users:   AqQua <aqqua@geomar.de> (#10), Victor Villefranche <victor@example.org> (#12)
Policy:  sharing.yaml

     ID  TITLE                                   USER                 RULE         CHANGE
  +   3  Boknis Eck time series - UVP6           AqQua                rules[0]     none → View
  +   3  Boknis Eck time series - UVP6           Victor Villefranche  victor-uvp6  none → Annotate
  +   5  Gotland Basin deep chlorophyll maximum  AqQua                rules[0]     none → View
  +  11  Canary Current upwelling                Victor Villefranche  victor-uvp6  none → Annotate
  +  19  Cape Verde UVP6 profiles                AqQua                rules[0]     none → View
  +  19  Cape Verde UVP6 profiles                Victor Villefranche  victor-uvp6  none → Annotate
  = 3 projects unchanged (2: AqQua already has View; 1: AqQua already has Manage, higher than View (never downgraded)); --show-unchanged lists them

Note: EcoTaxa rewrites all of a project's rights on every update: rights of inactive accounts, which the API never shows, are dropped by any update, this one included.
Plan: 6 to grant, 3 unchanged, 0 skipped.
`,
      stderr: '',
    });
    expect(puts()).toBe(0);
  });

  it('grants exactly the selected projects and nothing else, one write per project for all its users', async () => {
    const before = server.fake.snapshot();
    const result = await cli(['sync', policy(TWO_USERS), '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Done: 6 granted, 0 revoked, 0 failed, 3 already done.');
    expect(worldDiff(before, server.fake.snapshot())).toEqual(FIRST_SYNC);
    expect(puts()).toBe(4);
    const journal = fs.readdirSync(path.join(home.env.XDG_STATE_HOME as string, 'ecotaxa-access', 'journal'));
    expect(journal).toHaveLength(1);
  });

  it('--json: each result says whose right and which rule', async () => {
    const result = await cli(['sync', policy(TWO_USERS), '--yes', '--json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { results: object[]; summary: object };
    expect(doc.summary).toMatchObject({ applied: 6, failed: 0 });
    expect(doc.results).toContainEqual({
      projid: 3,
      title: 'Boknis Eck time series - UVP6',
      outcome: 'applied',
      from: null,
      to: 'Annotate',
      reason: null,
      drift: null,
      verified: true,
      contact: null,
      userId: VICTOR.id,
      rule: 'victor-uvp6',
    });
  });

  it('asks first on a terminal, saying what the policy does', async () => {
    const result = await cli(['sync', policy(TWO_USERS)], { tty: true, stdin: 'yes\n' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `Apply this policy: 6 grants for 2 users on 4 projects at ${server.url}? Only "yes" or "y" is accepted:`,
    );
  });
});

describe('a second sync', () => {
  it('has nothing to do: exit 0, also with --detailed-exitcode; 2 while changes are pending', async () => {
    const file = policy(TWO_USERS);
    expect((await cli(['plan', 'sync', file, '--detailed-exitcode'])).code).toBe(2);
    expect((await cli(['sync', file, '--dry-run', '--detailed-exitcode'])).code).toBe(2);
    expect((await cli(['sync', file, '--yes'])).code).toBe(0);
    const synced = server.fake.snapshot();
    const writes = puts();

    const plan = await cli(['plan', 'sync', file, '--detailed-exitcode']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes. 9 unchanged, 0 skipped.');
    const again = await cli(['sync', file, '--yes', '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(worldDiff(synced, server.fake.snapshot())).toEqual([]);
    expect(puts()).toBe(writes);
  });

  it('picks up a project created since', async () => {
    const file = policy(TWO_USERS);
    await cli(['sync', file, '--yes']);
    server.fake.addProject({
      projid: 40,
      title: 'Madeira UVP6 casts',
      instrument: 'UVP6',
      privileges: [M(OWNER.id, 'C')],
    });
    const before = server.fake.snapshot();
    const result = await cli(['sync', file, '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Plan: 2 to grant, 9 unchanged, 0 skipped.');
    expect(worldDiff(before, server.fake.snapshot())).toEqual([
      `40: user ${AQQUA.id} none→View`,
      `40: user ${VICTOR.id} none→Annotate`,
    ]);
  });
});

describe('authoritative mode', () => {
  it('takes back what the policy no longer selects, and keeps every other right', async () => {
    await cli([
      'sync',
      policy('version: 1\nrules:\n  - { user: aqqua@geomar.de, right: view, projects: { all: true } }\n'),
      '--yes',
    ]);
    const before = server.fake.snapshot();
    const narrower = policy(
      'version: 1\nrules:\n  - user: aqqua@geomar.de\n    right: view\n    mode: authoritative\n    projects: { all: true, exclude: [1, 2, 3] }\n',
      'narrower.yaml',
    );
    const result = await cli(['sync', narrower, '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ {2}- {3}1 {2}Kiel Fjord zooplankton 2019 +AqQua {2}rules\[0\] {2}View → none/);
    expect(result.stdout).toContain('Done: 0 granted, 3 revoked, 0 failed, 3 skipped, 26 already done.');
    // AqQua's Annotate (6) and Manage (11, 12, contact of 12), and every other user's right, stay.
    expect(worldDiff(before, server.fake.snapshot())).toEqual([
      `1: user ${AQQUA.id} View→none`,
      `2: user ${AQQUA.id} View→none`,
      `3: user ${AQQUA.id} View→none`,
    ]);
  });

  it('refuses to take back more than a quarter of what a user holds, unless --allow-mass-revoke', async () => {
    await cli([
      'sync',
      policy('version: 1\nrules:\n  - { user: aqqua@geomar.de, right: view, projects: { all: true } }\n'),
      '--yes',
    ]);
    const before = server.fake.snapshot();
    const writes = puts();
    const uvp6 = policy(
      'version: 1\nrules:\n  - user: aqqua@geomar.de\n    right: view\n    mode: authoritative\n    projects: { instrument: UVP6 }\n',
      'uvp6.yaml',
    );
    for (const argv of [
      ['sync', uvp6, '--yes'],
      ['plan', 'sync', uvp6],
      ['sync', uvp6, '--dry-run', '--json'],
    ]) {
      const refused = await cli(argv);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(
        'error: uvp6.yaml:3: rules[0] (aqqua@geomar.de view, authoritative) would take View back from 24 of the 26 projects where AqQua holds it, more than a quarter: check the policy, or add --allow-mass-revoke (with --dry-run to see the plan first)\n',
      );
    }
    expect(JSON.parse((await cli(['plan', 'sync', uvp6, '--json'])).stdout)).toMatchObject({
      error: { code: 'mass-revoke', exitCode: 1 },
    });
    expect(puts()).toBe(writes);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);

    const allowed = await cli(['sync', uvp6, '--yes', '--allow-mass-revoke']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('Done: 0 granted, 24 revoked, 0 failed, 3 already done.');
    expect(worldDiff(before, server.fake.snapshot())).toHaveLength(24);
  });
});

describe('until', () => {
  it('a rule past its until takes back what it gave; the other rules stand', async () => {
    const file = policy(TWO_USERS);
    await cli(['sync', file, '--yes']);
    const before = server.fake.snapshot();
    // A token the tool does not find expired on that day.
    const token = server.fake.tokenFor(OWNER.id, new Date(Number(END_OF_PAPER) * 1000));
    const later = { ...env, SOURCE_DATE_EPOCH: END_OF_PAPER, ECOTAXA_TOKEN: token };
    const result = await cli(['sync', file, '--yes', '--show-unchanged'], { env: later });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '  =  11  Canary Current upwelling                AqQua                rules[0]     unchanged: has Manage, not View: a rule takes back only its own right',
    );
    expect(result.stdout).toContain('Note: rules[0] is past its until (2027-07-31): it takes back the View it gave.');
    expect(worldDiff(before, server.fake.snapshot())).toEqual([
      `3: user ${AQQUA.id} View→none`,
      `4: user ${AQQUA.id} View→none`,
      `5: user ${AQQUA.id} View→none`,
      `19: user ${AQQUA.id} View→none`,
      `20: user ${AQQUA.id} View→none`,
    ]);
    // Done: nothing left to take back.
    expect((await cli(['plan', 'sync', file, '--detailed-exitcode'], { env: later })).code).toBe(0);
  });
});

describe('undo', () => {
  it("puts back every user's rights changed by a sync", async () => {
    const before = server.fake.snapshot();
    await cli(['sync', policy(TWO_USERS), '--yes']);
    const undo = await cli(['undo', '--yes']);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toContain(
      'Users:   AqQua <aqqua@geomar.de> (#10), Victor Villefranche <victor@example.org> (#12)',
    );
    expect(undo.stdout).toContain('Plan: 6 to restore, 0 unchanged, 0 skipped.');
    expect(undo.stdout).toContain('Done: 6 restored, 0 failed.');
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });
});

describe('plan sync --out, then apply', () => {
  it('carries out the saved plan for every user, on fresh state', async () => {
    const before = server.fake.snapshot();
    const planned = await cli(['plan', 'sync', policy(TWO_USERS), '--out', 'sync.plan.json']);
    expect(planned.code).toBe(0);
    expect(planned.stderr).toContain('apply it with `ecotaxa-access apply sync.plan.json`');
    const applied = await cli(['apply', 'sync.plan.json', '--yes']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Done: 6 granted, 0 revoked, 0 failed, 3 already done.');
    expect(worldDiff(before, server.fake.snapshot())).toEqual(FIRST_SYNC);
  });
});

describe('--format markdown and --json', () => {
  it('--format markdown: the plan as a Markdown summary, exactly', async () => {
    const result = await cli([
      'plan',
      'sync',
      policy(TWO_USERS.replace('exclude: [12, 14]', 'exclude: [14]')),
      '--format',
      'markdown',
    ]);
    expect(result).toEqual({
      code: 0,
      stdout: `## ecotaxa-access plan: sync \`sharing.yaml\`

- Server: \`${server.url}\`
- You: Olivia Owner \\<owner@example.org\\> (#&#8203;9)
- Users: AqQua \\<aqqua@geomar.de\\> (#&#8203;10), Victor Villefranche \\<victor@example.org\\> (#&#8203;12)

**Plan: 6 to grant, 4 unchanged, 0 skipped.**

### Changes (6)

|  | ID | Title | User | Rule | Change |
| --- | ---: | --- | --- | --- | --- |
| + | 3 | Boknis Eck time series - UVP6 | AqQua | rules\\[0\\] | none → View |
| + | 3 | Boknis Eck time series - UVP6 | Victor Villefranche | victor-uvp6 | none → Annotate |
| + | 5 | Gotland Basin deep chlorophyll maximum | AqQua | rules\\[0\\] | none → View |
| + | 11 | Canary Current upwelling | Victor Villefranche | victor-uvp6 | none → Annotate |
| + | 19 | Cape Verde UVP6 profiles | AqQua | rules\\[0\\] | none → View |
| + | 19 | Cape Verde UVP6 profiles | Victor Villefranche | victor-uvp6 | none → Annotate |

### Notes

- EcoTaxa rewrites all of a project's rights on every update: rights of inactive accounts, which the API never shows, are dropped by any update, this one included.
`,
      stderr: '',
    });
  });

  it('--format markdown lists skips with their reasons, and after applying, the result', async () => {
    const everything = policy(
      'version: 1\nrules:\n  - { name: all-mine, user: aqqua@geomar.de, right: view, projects: { ids: "7-10" } }\n',
    );
    const result = await cli(['sync', everything, '--yes', '--format', 'markdown']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`## ecotaxa-access plan: sync \`sharing.yaml\`

- Server: \`${server.url}\`
- You: Olivia Owner \\<owner@example.org\\> (#&#8203;9)
- User: AqQua \\<aqqua@geomar.de\\> (#&#8203;10)

**Plan: 1 to grant, 0 unchanged, 3 skipped.**

### Changes (1)

|  | ID | Title | User | Rule | Change |
| --- | ---: | --- | --- | --- | --- |
| + | 7 | Helgoland Roads copepods (co-managed) | AqQua | all-mine | none → View |

### Skipped (3)

| ID | Title | User | Rule | Reason |
| ---: | --- | --- | --- | --- |
| 8 | Bornholm Basin larval fish (legacy contact) | AqQua | all-mine | EcoTaxa refuses to update this legacy project: its contact Carl Colleague is not a manager; fix the contact in the web UI, or add --fix-contact |
| 9 | North Sea herring larvae 2008 (no contact) | AqQua | all-mine | EcoTaxa refuses to update a project without a valid contact (none set, or the contact account is inactive): set one in the web UI, or add --fix-contact |
| 10 | PlanktoScope Kiel harbour | AqQua | all-mine | EcoTaxa refuses to update a project without a valid contact (none set, or the contact account is inactive): set one in the web UI, or add --fix-contact |

### Notes

- EcoTaxa rewrites all of a project's rights on every update: rights of inactive accounts, which the API never shows, are dropped by any update, this one included.

### Result

**Done: 1 granted, 0 revoked, 0 failed, 3 skipped.**

|  | ID | Title | User | Rule | Result |
| --- | ---: | --- | --- | --- | --- |
| ✓ | 7 | Helgoland Roads copepods (co-managed) | AqQua | all-mine | none → View |
`);
  });

  it('--json: the plan document, every project with its user, operation and rule', async () => {
    const result = await cli(['plan', 'sync', policy(TWO_USERS), '--json']);
    expect(result.code).toBe(0);
    const person = (u: { id: number; email: string; name: string }, organisation: string) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      organisation,
    });
    const geomar = 'GEOMAR Helmholtz Centre for Ocean Research Kiel';
    const aqqua = person(AQQUA, geomar);
    const victor = person(VICTOR, "Laboratoire d'Océanographie de Villefranche - LOV");
    const view = { action: 'grant', right: 'View' };
    const annotate = { action: 'grant', right: 'Annotate' };
    const fingerprint = expect.stringMatching(/^[0-9a-f]{16}$/) as unknown;
    const change = (projid: number, title: string, user: object, operation: object, rule: string, to: string) => ({
      projid,
      title,
      fingerprint,
      action: 'change',
      current: null,
      from: null,
      to,
      code: null,
      reason: null,
      user,
      operation,
      rule,
    });
    const unchanged = (projid: number, title: string, current: string, reason: string) => ({
      projid,
      title,
      fingerprint,
      action: 'unchanged',
      current,
      from: null,
      to: null,
      code: null,
      reason,
      user: aqqua,
      operation: view,
      rule: 'rules[0]',
    });
    expect(JSON.parse(result.stdout)).toEqual({
      format: 'ecotaxa-access-plan',
      version: 1,
      createdAt: '2026-11-08T09:00:00.000Z',
      server: server.url,
      caller: person(OWNER, geomar),
      user: aqqua,
      operation: { action: 'sync', policy: 'sharing.yaml' },
      summary: { change: 6, unchanged: 3, skip: 0 },
      projects: [
        change(3, 'Boknis Eck time series - UVP6', aqqua, view, 'rules[0]', 'View'),
        change(3, 'Boknis Eck time series - UVP6', victor, annotate, 'victor-uvp6', 'Annotate'),
        unchanged(4, 'Baltic Sea transect AL557', 'View', 'already has View'),
        change(5, 'Gotland Basin deep chlorophyll maximum', aqqua, view, 'rules[0]', 'View'),
        unchanged(11, 'Canary Current upwelling', 'Manage', 'already has Manage, higher than View (never downgraded)'),
        change(11, 'Canary Current upwelling', victor, annotate, 'victor-uvp6', 'Annotate'),
        change(19, 'Cape Verde UVP6 profiles', aqqua, view, 'rules[0]', 'View'),
        change(19, 'Cape Verde UVP6 profiles', victor, annotate, 'victor-uvp6', 'Annotate'),
        unchanged(20, 'Peru upwelling M93', 'View', 'already has View'),
      ],
      notes: [
        "EcoTaxa rewrites all of a project's rights on every update: rights of inactive accounts, which the API never shows, are dropped by any update, this one included.",
      ],
    });
  });

  it('are two outputs: both at once is refused', async () => {
    const result = await cli(['plan', 'sync', policy(TWO_USERS), '--json', '--format', 'markdown']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: --json and --format markdown are two different outputs: choose one\n');
  });
});

describe('a malformed policy', () => {
  const rule = (extra: string) => `version: 1\nrules:\n  - user: aqqua@geomar.de\n    right: view\n${extra}`;

  it.each([
    [
      'an unknown key',
      rule('    projects:\n      all: true\n      camera: UVP6\n'),
      'sharing.yaml:7: rules[0].projects.camera: unknown key: use all, ids, title, instrument or exclude',
    ],
    [
      'a typo of a key',
      'version: 1\nrulez:\n  - { user: aqqua@geomar.de, right: view, projects: { all: true } }\n',
      'sharing.yaml:2: rulez: unknown key (did you mean rules?)',
    ],
    [
      'a YAML alias bomb',
      `version: 1\na: &a [x, x, x, x, x, x, x, x, x]\n${['b', 'c', 'd', 'e', 'f', 'g']
        .map(
          (n, i) =>
            `${n}: &${n} [${Array<string>(9)
              .fill(`*${'abcdef'[i] ?? ''}`)
              .join(', ')}]`,
        )
        .join('\n')}\nrules: *g\n`,
      'sharing.yaml:3: not valid YAML: too many aliases (*name): the file expands to more than any policy or configuration needs',
    ],
    [
      'a bad right',
      'version: 1\nrules:\n  - user: aqqua@geomar.de\n    right: edit\n    projects: { all: true }\n',
      'sharing.yaml:4: rules[0].right: "edit" is not a right: use view, annotate or manage',
    ],
    [
      'a bad date',
      rule('    projects: { all: true }\n    until: 2027-31-07\n'),
      'sharing.yaml:6: rules[0].until: "2027-31-07" is not a date: write YYYY-MM-DD, e.g. 2027-07-31',
    ],
    [
      'conflicting rules',
      rule(
        '    projects: { instrument: UVP5HD }\n  - user: AqQua\n    right: annotate\n    projects: { ids: [4, 20] }\n',
      ),
      'sharing.yaml:6: rules[0] (aqqua@geomar.de view) and rules[1] (AqQua annotate) ask different things of AqQua on project 4 "Baltic Sea transect AL557" (and 1 more): grant View, and grant Annotate; make them agree, or leave the project out of one with exclude',
    ],
    [
      'the wrong server',
      `version: 1\nserver: https://ecotaxa.obs-vlfr.fr/api\nrules:\n  - { user: aqqua@geomar.de, right: view, projects: { all: true } }\n`,
      'SERVER',
    ],
    [
      'a user EcoTaxa does not have',
      'version: 1\nrules:\n  - { user: aqqua@geomar.de, right: view, projects: { all: true } }\n  - { user: nobody@example.org, right: view, projects: { all: true } }\n',
      'sharing.yaml:4: rules[1].user "nobody@example.org": no active EcoTaxa user has this email; check it with `ecotaxa-access users find`, or give the user\'s id',
    ],
    [
      'yourself',
      'version: 1\nrules:\n  - user: owner@example.org\n    right: view\n    projects: { all: true }\n',
      'sharing.yaml:3: rules[0].user "owner@example.org" is you: this tool never changes your own right',
    ],
  ])('%s: one line naming the file, the line and the key; exit 1; nothing written', async (_name, text, message) => {
    const before = server.fake.snapshot();
    const expected =
      message === 'SERVER'
        ? `sharing.yaml:2: server: the policy is for https://ecotaxa.obs-vlfr.fr/api, but the server in use is ${server.url}: use --url https://ecotaxa.obs-vlfr.fr/api, or change the policy's server`
        : message;
    for (const argv of [
      ['sync', policy(text), '--yes'],
      ['plan', 'sync', 'sharing.yaml'],
    ]) {
      const result = await cli(argv);
      expect(result).toEqual({ code: 1, stdout: '', stderr: `error: ${expected}\n` });
    }
    expect(puts()).toBe(0);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });

  it('a YAML alias bomb is bad input (code input), not an internal error', async () => {
    const laughs = `version: 1\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [${Array<string>(9).fill('*a').join(', ')}]\nc: &c [${Array<string>(9).fill('*b').join(', ')}]\nd: &d [${Array<string>(9).fill('*c').join(', ')}]\ne: &e [${Array<string>(9).fill('*d').join(', ')}]\nrules: *e\n`;
    const result = await cli(['plan', 'sync', policy(laughs), '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'input',
        type: 'InputError',
        message:
          'sharing.yaml:3: not valid YAML: too many aliases (*name): the file expands to more than any policy or configuration needs',
        exitCode: 1,
      },
    });
  });

  it('a file that is not there', async () => {
    const result = await cli(['plan', 'sync', 'missing.yaml']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: cannot read the policy missing.yaml: no such file\n',
    });
  });
});
