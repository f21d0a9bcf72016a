import { describe, expect, it } from 'vitest';
import type { RunOptions } from '../support/cli.js';
import type { FakeEcoTaxa } from '../support/fake-ecotaxa.js';
import { scriptedFaults } from '../support/faults.js';
import { ADMIN, AQQUA, COLLEAGUE, INACTIVE, OWNER } from '../support/people.js';
import { A, KIND, M, seedWorld } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';
import { worldDiff } from '../support/world-diff.js';

/*
 * What the owner sees at a terminal 80 or 160 columns wide (titles in Chinese, Japanese,
 * Korean and emoji included), what a pipe gets, the exit codes of named ids, the question
 * before writing, the progress bar, and --fix-contact against the fake's whole state.
 */

/** The seed, and titles EcoTaxa really holds: CJK characters and emoji take two columns each. */
function withWideTitles(): FakeEcoTaxa {
  const fake = seedWorld();
  fake.addProject({
    projid: 40,
    title: '东海浮游动物调查 2019',
    instrument: 'UVP6',
    objcount: 5120,
    privileges: [M(OWNER.id, 'C'), A(COLLEAGUE.id)],
  });
  fake.addProject({
    projid: 41,
    title: '🦐 Krill larvae 🦑 Kiel',
    instrument: 'Zooscan',
    objcount: 77,
    privileges: [M(OWNER.id, 'C')],
  });
  fake.addProject({
    projid: 42,
    title: '日本海プランクトン / 동해 플랑크톤',
    access: '2',
    instrument: 'FlowCam',
    objcount: 901,
    privileges: [M(OWNER.id, 'C')],
  });
  return fake;
}

const { server, env, cli } = useFakeEcoTaxa({ world: withWideTitles });

/** The plan's lines below its four-line header (which names the fake's random port) and the blank line. */
const body = (stdout: string): string[] => stdout.split('\n').slice(5);

const SKIP_8 =
  'skipped: EcoTaxa refuses to update this legacy project: its contact Carl Colleague is not a manager; fix the contact in the web UI, or add --fix-contact';
const SKIP_NO_CONTACT =
  'skipped: EcoTaxa refuses to update a project without a valid contact (none set, or the contact account is inactive): set one in the web UI, or add --fix-contact';
const INACTIVE_NOTE =
  "Note: EcoTaxa rewrites all of a project's rights on every update: rights of inactive accounts, which the API never shows, are dropped by any update, this one included.";

describe('projects list on a terminal', () => {
  it('at 80 columns: one line per project, the least important columns left out, and said so', async () => {
    const result = await cli(['projects', 'list', '4-9', '40-42'], { columns: 80 });
    expect(result).toEqual({
      code: 0,
      stdout: [
        'ID  TITLE                                        INSTRUMENT  AQQUA',
        ' 4  Baltic Sea transect AL557                    UVP5HD      View',
        ' 5  Gotland Basin deep chlorophyll maximum       UVP5SD      -',
        ' 6  Eckernförde Bay mesozooplankton              Zooscan     Annotate',
        ' 7  Helgoland Roads copepods (co-managed)        Zooscan     -',
        ' 8  Bornholm Basin larval fish (legacy contact)  Zooscan     -',
        ' 9  North Sea herring larvae 2008 (no contact)   Zooscan     -',
        '40  东海浮游动物调查 2019                        UVP6        -',
        '41  🦐 Krill larvae 🦑 Kiel                      Zooscan     -',
        '42  日本海プランクトン / 동해 플랑크톤           FlowCam     -',
        '',
      ].join('\n'),
      stderr: [
        '9 projects. AqQua <aqqua@geomar.de> has a right on 2.',
        'Hidden to fit: STATUS, ACCESS, MY RIGHT, CONTACT, OBJECTS (--json has all).',
        '',
      ].join('\n'),
    });
  });

  it('at 160 columns: every column, titles whole and aligned', async () => {
    const result = await cli(['projects', 'list', '4-9', '40-42'], { columns: 160 });
    expect(result).toEqual({
      code: 0,
      stdout: [
        'ID  TITLE                                        INSTRUMENT  STATUS    ACCESS   MY RIGHT  CONTACT         OBJECTS  AQQUA',
        ' 4  Baltic Sea transect AL557                    UVP5HD      Annotate  private  Manage    Olivia Owner      44102  View',
        ' 5  Gotland Basin deep chlorophyll maximum       UVP5SD      Annotate  public   Manage    Olivia Owner       7850  -',
        ' 6  Eckernförde Bay mesozooplankton              Zooscan     Annotate  private  Manage    Olivia Owner      12930  Annotate',
        ' 7  Helgoland Roads copepods (co-managed)        Zooscan     Annotate  public   Manage    Carl Colleague    63004  -',
        ' 8  Bornholm Basin larval fish (legacy contact)  Zooscan     Annotate  private  Manage    Carl Colleague     3411  -',
        ' 9  North Sea herring larvae 2008 (no contact)   Zooscan     Annotate  private  Manage    (none)             2087  -',
        '40  东海浮游动物调查 2019                        UVP6        Annotate  private  Manage    Olivia Owner       5120  -',
        '41  🦐 Krill larvae 🦑 Kiel                      Zooscan     Annotate  private  Manage    Olivia Owner         77  -',
        '42  日本海プランクトン / 동해 플랑크톤           FlowCam     Annotate  open     Manage    Olivia Owner        901  -',
        '',
      ].join('\n'),
      stderr: '9 projects. AqQua <aqqua@geomar.de> has a right on 2.\n',
    });
  });

  it('into a pipe: nothing cut, whatever the width of the terminal', async () => {
    const piped = await cli(['projects', 'list', '4-9', '40-42']);
    const wide = await cli(['projects', 'list', '4-9', '40-42'], { columns: 160 });
    expect(piped.stdout).toBe(wide.stdout);
  });

  it('a terminal that reports 0 columns is treated as a pipe: no cutting, no spinner', async () => {
    const result = await cli(['projects', 'list', '4-9', '40-42'], { columns: 0, tty: true });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toContain('OBJECTS');
    expect(result.stderr).toBe('9 projects. AqQua <aqqua@geomar.de> has a right on 2.\n');
  });
});

describe('a plan on a terminal', () => {
  const rows = (reason: (text: string) => string[], tail: string[]): string[] => [
    '     ID  TITLE                                        CHANGE',
    '  +   5  Gotland Basin deep chlorophyll maximum       none → View',
    '  +   7  Helgoland Roads copepods (co-managed)        none → View',
    ...reason(`  !   8  Bornholm Basin larval fish (legacy contact)  ${SKIP_8}`),
    ...reason(`  !   9  North Sea herring larvae 2008 (no contact)   ${SKIP_NO_CONTACT}`),
    ...reason(`  !  10  PlanktoScope Kiel harbour                    ${SKIP_NO_CONTACT}`),
    '  +  40  东海浮游动物调查 2019                        none → View',
    '  +  41  🦐 Krill larvae 🦑 Kiel                      none → View',
    '  +  42  日本海プランクトン / 동해 플랑크톤           none → View',
    ...tail,
    'Plan: 5 to grant, 2 unchanged, 3 skipped.',
    '',
  ];
  const indent = ' '.repeat(54);

  it('at 80 columns: titles whole, each reason wrapped under its row, indented to its column', async () => {
    const result = await cli(['plan', 'grant', '--all', '--exclude', '1-3,11-36'], { columns: 80 });
    expect(result.code).toBe(0);
    const wrapped: Record<string, string[]> = {
      [SKIP_8]: [
        'skipped: EcoTaxa refuses',
        'to update this legacy',
        'project: its contact Carl',
        'Colleague is not a',
        'manager; fix the contact',
        'in the web UI, or add',
        '--fix-contact',
      ],
      [SKIP_NO_CONTACT]: [
        'skipped: EcoTaxa refuses',
        'to update a project',
        'without a valid contact',
        '(none set, or the contact',
        'account is inactive): set',
        'one in the web UI, or add',
        '--fix-contact',
      ],
    };
    expect(body(result.stdout)).toEqual(
      rows(
        (line) => {
          const reason = line.slice(54);
          const [first, ...rest] = wrapped[reason] ?? [reason];
          return [`${line.slice(0, 54)}${first ?? ''}`, ...rest.map((l) => `${indent}${l}`)];
        },
        [
          // The lines under the table are wrapped too, hanging under their first word.
          '  = 2 projects unchanged (AqQua already has View or higher); --show-unchanged',
          '    lists them',
          '',
          "Note: EcoTaxa rewrites all of a project's rights on every update: rights of",
          '      inactive accounts, which the API never shows, are dropped by any update,',
          '      this one included.',
        ],
      ),
    );
    // Selected by --all and filters: the skips are not errors, and on a terminal not repeated on stderr.
    expect(result.stderr).toBe('');
  });

  it('at 160 columns: the reasons take two lines', async () => {
    const result = await cli(['plan', 'grant', '4-10', '40-42'], { columns: 160 });
    const at160 = (line: string): string[] => {
      const cut = line.lastIndexOf(' ', 160);
      return [line.slice(0, cut), `${indent}${line.slice(cut + 1)}`];
    };
    expect(body(result.stdout)).toEqual(
      rows(at160, [
        '  = 2 projects unchanged (AqQua already has View or higher); --show-unchanged lists them',
        '',
        "Note: EcoTaxa rewrites all of a project's rights on every update: rights of inactive accounts, which the API never shows, are dropped by any update, this one",
        '      included.',
      ]),
    );
  });

  it('--show-unchanged lists the unchanged projects in their place', async () => {
    const result = await cli(['plan', 'grant', '4-7', '--show-unchanged']);
    expect(body(result.stdout).slice(0, 5)).toEqual([
      '     ID  TITLE                                   CHANGE',
      '  =   4  Baltic Sea transect AL557               unchanged: already has View',
      '  +   5  Gotland Basin deep chlorophyll maximum  none → View',
      '  =   6  Eckernförde Bay mesozooplankton         unchanged: already has Annotate, higher than View (never downgraded)',
      '  +   7  Helgoland Roads copepods (co-managed)   none → View',
    ]);
  });
});

describe('exit codes of named ids', () => {
  it('grant 999999 --yes: not found, exit 1, one line on stderr', async () => {
    const result = await cli(['grant', '999999', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('No changes. 0 unchanged, 1 skipped.');
    expect(result.stderr).toBe('error: project 999999: not found, or you have no right on it\n');
  });

  it('grant 33 --yes (a project the owner only views): exit 1, one line naming why', async () => {
    const result = await cli(['grant', String(KIND.ownerViewer), '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: project 33 (Colleague AWI HAUSGARTEN (owner is viewer)): skipped: you are not a manager of this project (you have View)\n',
    );
  });

  it('does the rest first, then exits 1 with a line per named id', async () => {
    const before = server.fake.snapshot();
    const result = await cli(['grant', '1', '33', '999999', '8', '--yes']);
    expect(result.code).toBe(1);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([`1: user ${AQQUA.id} none→View`]);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual([
      `error: project 8 (Bornholm Basin larval fish (legacy contact)): ${SKIP_8}`,
      'error: project 33 (Colleague AWI HAUSGARTEN (owner is viewer)): skipped: you are not a manager of this project (you have View)',
      'error: project 999999: not found, or you have no right on it',
    ]);
    expect(result.stdout.slice(result.stdout.indexOf('Plan: '))).toBe(
      [
        'Plan: 1 to grant, 0 unchanged, 3 skipped.',
        '',
        '         ID  TITLE                                        RESULT',
        `  !       8  Bornholm Basin larval fish (legacy contact)  ${SKIP_8}`,
        '  !      33  Colleague AWI HAUSGARTEN (owner is viewer)   skipped: you are not a manager of this project (you have View)',
        '  !  999999                                               skipped: not found, or you have no right on it',
        '',
        'Done: 1 granted, 0 failed, 3 skipped.',
        'The 3 projects skipped stay as they are: each reason says why, and what would change that.',
        '',
      ].join('\n'),
    );
  });

  it('on a terminal, where the list is on screen, one error line explains the exit code', async () => {
    const result = await cli(['grant', '1', '33', '999999', '--yes'], { columns: 80 });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual([
      'error: 2 projects you named cannot be changed or were not found (33, 999999): the list above says why',
    ]);
  });

  it('ids in --ids-from are named too', async () => {
    const result = await cli(['plan', 'grant', '--ids-from', '-'], { stdin: '1\n999999\n' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: project 999999: not found, or you have no right on it\n');
  });

  it('a named project already as asked is not an error', async () => {
    const result = await cli(['grant', String(KIND.aqquaViewer), '--yes']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('No changes. 1 unchanged, 0 skipped.');
  });

  it('with --all, skips are not errors (exit 0) but each is listed on stderr off a terminal', async () => {
    const result = await cli(['grant', '--all', '--yes']);
    expect(result.code).toBe(0);
    const lines = result.stderr.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `project 8 (Bornholm Basin larval fish (legacy contact)): ${SKIP_8}`,
      `project 9 (North Sea herring larvae 2008 (no contact)): ${SKIP_NO_CONTACT}`,
      `project 10 (PlanktoScope Kiel harbour): ${SKIP_NO_CONTACT}`,
    ]);
    expect(lines[3]).toMatch(/^Journal: /);
    expect(result.stdout).toContain(
      '\nDone: 26 granted, 0 failed, 3 skipped, 6 already done.\nThe 3 projects skipped stay as they are: each reason says why, and what would change that.\n',
    );
  });

  it("an administrator's empty --all says what --all means for administrators", async () => {
    const result = await cli(['grant', '--all', '--yes'], {
      env: { ...env, ECOTAXA_TOKEN: server.fake.tokenFor(ADMIN.id) },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: the selection (--all) matched no project you manage; as an administrator you see every project, but --all means those you are a manager of: check it against `ecotaxa-access projects list`\n',
    );
  });
});

describe('after applying', () => {
  it('lists only what needs attention, its reason and the next step; every row stays in --json', async () => {
    server.setFaults(
      scriptedFaults({
        'PUT /projects/3': () => ({ kind: 'answer', status: 403, body: { detail: "You can't do this." } }),
        'PUT /projects/5': () => ({ kind: 'answer', status: 403, body: { detail: "You can't do this." } }),
      }),
    );
    const result = await cli(['grant', '1-9', '--yes']);
    expect(result.code).toBe(1);
    const after = result.stdout.slice(result.stdout.indexOf('Plan: '));
    expect(after).toBe(
      [
        'Plan: 5 to grant, 2 unchanged, 2 skipped.',
        '',
        '     ID  TITLE                                        RESULT',
        '  ✗   3  Boknis Eck time series - UVP6                failed: EcoTaxa refused: you are not allowed to change this project (403)',
        '  ✗   5  Gotland Basin deep chlorophyll maximum       failed: EcoTaxa refused: you are not allowed to change this project (403)',
        `  !   8  Bornholm Basin larval fish (legacy contact)  ${SKIP_8}`,
        `  !   9  North Sea herring larvae 2008 (no contact)   ${SKIP_NO_CONTACT}`,
        '',
        'Done: 3 granted, 2 failed, 2 skipped, 2 already done.',
        'Next: run the same command again to retry the 2 that failed: it reads each project again and changes only what is left.',
        'The 2 projects skipped stay as they are: each reason says why, and what would change that.',
        '',
      ].join('\n'),
    );
    expect(result.stderr.split('\n').slice(0, 4)).toEqual([
      'error: project 3 (Boknis Eck time series - UVP6): failed: EcoTaxa refused: you are not allowed to change this project (403)',
      'error: project 5 (Gotland Basin deep chlorophyll maximum): failed: EcoTaxa refused: you are not allowed to change this project (403)',
      `error: project 8 (Bornholm Basin larval fish (legacy contact)): ${SKIP_8}`,
      `error: project 9 (North Sea herring larvae 2008 (no contact)): ${SKIP_NO_CONTACT}`,
    ]);

    const json = await cli(['grant', '1-9', '--yes', '--json']);
    const doc = JSON.parse(json.stdout) as { plan: { projects: unknown[] }; results: { projid: number }[] };
    expect(doc.plan.projects).toHaveLength(9);
    expect(doc.results.map((r) => r.projid)).toEqual([3, 5]);
  });
});

describe('the question before writing', () => {
  it('says what, for whom, how many and where, on stderr, with the summary repeated when stdout is a pipe', async () => {
    const result = await cli(['grant', '1', '2'], { tty: true, stdin: 'yes\n' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'Plan: 2 to grant, 0 unchanged, 0 skipped.\nGrant View to AqQua <aqqua@geomar.de> on 2 projects at ' +
        `${server.url}? Only "yes" or "y" is accepted: `,
    );
  });

  it('on a terminal stdout, the question follows the plan without repeating it', async () => {
    const result = await cli(['revoke', String(KIND.aqquaViewer)], { tty: true, stdin: 'y\n', columns: 80 });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('Plan: ');
    expect(result.stderr).toContain(
      `Revoke View from AqQua <aqqua@geomar.de> on 1 project at ${server.url}? Only "yes" or "y" is accepted: `,
    );
  });

  it('Ctrl-D ends the line, then one error line; nothing is changed', async () => {
    const before = server.fake.snapshot();
    for (const stdin of ['', '\u0004']) {
      const result = await cli(['grant', '3'], { tty: true, stdin });
      expect(result.code).toBe(1);
      expect(
        result.stderr.endsWith(
          'Only "yes" or "y" is accepted: \nerror: cancelled (end of input): nothing was changed\n',
        ),
      ).toBe(true);
    }
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });
});

describe('the progress bar', () => {
  it('is drawn on a terminal stderr while writing, and cleared at the end', async () => {
    const result = await cli(['grant', '1', '2', '--yes'], { tty: true, columns: 80 });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('\r\u001b[KGranting [░░░░░░░░░░░░░░░░░░░░░░░░] 0/2  0:00');
    expect(result.stderr).toContain('\r\u001b[KJournal: ');
  });

  it.each([
    ['a terminal that reports no width', { tty: true, columns: 0 }, []],
    ['--quiet', { tty: true, columns: 80 }, ['--quiet']],
    ['CI', { tty: true, columns: 80, env: { CI: 'true' } }, []],
    ['stderr not a terminal', { columns: 80 }, []],
  ] as [string, RunOptions, string[]][])('is not drawn with %s', async (_name, options, flags) => {
    const result = await cli(['grant', '1', '2', '--yes', ...flags], {
      ...options,
      env: { ...env, ...options.env },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('Granting');
    // eslint-disable-next-line no-control-regex
    expect(result.stderr).not.toMatch(/\u001b/);
  });
});

describe('--fix-contact', () => {
  it('plans the contact as its own line, never by default', async () => {
    const plain = await cli(['plan', 'grant', '8', '9', '10']);
    expect(plain.stdout).not.toContain('contact: ');
    const fixed = await cli(['plan', 'grant', '8', '9', '10', '--fix-contact']);
    expect(fixed.code).toBe(0);
    expect(body(fixed.stdout)).toEqual([
      '     ID  TITLE                                        CHANGE',
      '  +   8  Bornholm Basin larval fish (legacy contact)  none → View',
      '  ~      contact: Carl Colleague → you (Olivia Owner)',
      '  +   9  North Sea herring larvae 2008 (no contact)   none → View',
      '  ~      contact: none → you (Olivia Owner)',
      '  +  10  PlanktoScope Kiel harbour                    none → View',
      '  ~      contact: none → you (Olivia Owner)',
      '',
      INACTIVE_NOTE,
      'Plan: 3 to grant, 3 contacts to set, 0 unchanged, 0 skipped.',
      '',
    ]);
    const json = JSON.parse((await cli(['plan', 'grant', '9', '--fix-contact', '--json'])).stdout) as {
      fixContact: boolean;
      projects: { contact: unknown }[];
    };
    expect(json.fixContact).toBe(true);
    expect(json.projects[0]?.contact).toEqual({
      from: null,
      to: { id: OWNER.id, name: OWNER.name, email: OWNER.email },
    });
  });

  it('changes only the contact and the planned right, and undo leaves the contact (with its note)', async () => {
    const before = server.fake.snapshot();
    const result = await cli([
      'grant',
      String(KIND.legacyContact),
      String(KIND.noContact),
      String(KIND.inactiveContact),
      '--fix-contact',
      '--yes',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Done: 3 granted (and you became the contact of 3), 0 failed.');
    const contacts = [
      // Legacy: the contact was an annotator; the owner, a manager, becomes it.
      `8: user ${COLLEAGUE.id} Annotate(contact)→Annotate`,
      `8: user ${OWNER.id} Manage→Manage(contact)`,
      `9: user ${OWNER.id} Manage→Manage(contact)`,
      // The inactive contact's right is dropped by any update (API-NOTES), as the note says.
      `10: user ${INACTIVE.id} Manage(contact)→none`,
      `10: user ${OWNER.id} Manage→Manage(contact)`,
    ];
    expect(worldDiff(before, server.fake.snapshot())).toEqual(
      [
        `8: user ${AQQUA.id} none→View`,
        `9: user ${AQQUA.id} none→View`,
        `10: user ${AQQUA.id} none→View`,
        ...contacts,
      ].sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || (a < b ? -1 : 1)),
    );

    const undo = await cli(['undo', '--yes']);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toContain(
      'Note: The contact set by --fix-contact stays on 8, 9, 10: EcoTaxa cannot update a project without a valid contact.',
    );
    expect(worldDiff(before, server.fake.snapshot())).toEqual(contacts);
  });
});
