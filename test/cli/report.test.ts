import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AQQUA, OWNER } from '../support/people.js';
import { A, V, seedScale } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * report: what the owner shared with AqQua, since when and by which run, against the fake's
 * state and journals written by real runs in the test (grant, undo, revoke), at 80 and 160
 * columns, as CSV, Markdown and JSON; and its errors, each one line.
 */

const { server, env, cli, journals, start } = useFakeEcoTaxa();

/** 2026-11-27T08:50:00Z: the clock of the runs whose changes the report dates. */
const GRANTED_AT = 1_795_769_400;
/** 2026-11-28T09:15:00Z: the day the report is made. */
const REPORTED_AT = 1_795_857_300;

/** Runs a command that writes, its clock frozen at `epoch`; returns its run id (from the line that ends it). */
async function write(argv: string[], epoch = GRANTED_AT): Promise<string> {
  const result = await cli([...argv, '--yes'], { env: { ...env, SOURCE_DATE_EPOCH: String(epoch) } });
  expect(result.code, result.stderr).toBe(0);
  const id = /`ecotaxa-access undo (\S+)`/.exec(result.stderr)?.[1];
  if (id === undefined) throw new Error(`no run id in: ${result.stderr}`);
  return id;
}

describe('report after a real grant', () => {
  it('at 160 columns: every column, since when and by which run, the totals and the condition once', async () => {
    const run = await write(['grant', '1-5']);
    const result = await cli(['report'], { columns: 160 });
    expect(result).toEqual({
      code: 0,
      stdout: [
        'ID  TITLE                                   INSTRUMENT  OBJECTS  ACCESS     RIGHT     SINCE (UTC)          RUN',
        ` 1  Kiel Fjord zooplankton 2019             Zooscan       18422  public     View      2026-11-27 08:50     ${run}`,
        ` 2  Kiel Fjord zooplankton 2020             Zooscan       21067  public     View      2026-11-27 08:50     ${run}`,
        ` 3  Boknis Eck time series - UVP6           UVP6          96310  private !  View      2026-11-27 08:50     ${run}`,
        ' 4  Baltic Sea transect AL557               UVP5HD        44102  private !  View      before the journals  -',
        ` 5  Gotland Basin deep chlorophyll maximum  UVP5SD         7850  public     View      2026-11-27 08:50     ${run}`,
        ' 6  Eckernförde Bay mesozooplankton         Zooscan       12930  private !  Annotate  before the journals  -',
        '11  Canary Current upwelling                UVP6          31776  private !  Manage    before the journals  -',
        '12  Atlantic Meridional Transect AMT28      UVP5HD        58219  public     Manage    before the journals  -',
        '20  Peru upwelling M93                      UVP5HD        40210  private !  View      before the journals  -',
        '25  Southern Ocean salps                    Zooscan        4512  private !  View      before the journals  -',
        'AqQua <aqqua@geomar.de> has a right on 10 projects you manage: 335,398 objects; instruments: Zooscan (4), UVP5HD (3), UVP6 (2), UVP5SD (1).',
        "Condition: AqQua's call for data asks that the data shared with AqQua be publishable under CC BY-NC 4.0 by 15 July 2027.",
        '! 6 of these projects are still private (marked "private !"): the access level is the owner\'s to change, in EcoTaxa; ecotaxa-access changes nothing here.',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('at 80 columns: objects, instruments and the run left out, and said so; titles shortened last', async () => {
    await write(['grant', '1-5']);
    const result = await cli(['report', '1-6'], { columns: 80 });
    expect(result).toEqual({
      code: 0,
      stdout: [
        'ID  TITLE                               ACCESS     RIGHT     SINCE (UTC)',
        ' 1  Kiel Fjord zooplankton 2019         public     View      2026-11-27 08:50',
        ' 2  Kiel Fjord zooplankton 2020         public     View      2026-11-27 08:50',
        ' 3  Boknis Eck time series - UVP6       private !  View      2026-11-27 08:50',
        ' 4  Baltic Sea transect AL557           private !  View      before the journals',
        ' 5  Gotland Basin deep chlorophyll ma…  public     View      2026-11-27 08:50',
        ' 6  Eckernförde Bay mesozooplankton     private !  Annotate  before the journals',
        'AqQua <aqqua@geomar.de> has a right on 6 projects you manage: 200,681 objects;',
        '  instruments: Zooscan (3), UVP5HD (1), UVP5SD (1), UVP6 (1).',
        "Condition: AqQua's call for data asks that the data shared with AqQua be",
        '  publishable under CC BY-NC 4.0 by 15 July 2027.',
        '! 3 of these projects are still private (marked "private !"): the access level',
        "  is the owner's to change, in EcoTaxa; ecotaxa-access changes nothing here.",
        '',
      ].join('\n'),
      stderr: 'Hidden to fit: INSTRUMENT, OBJECTS, RUN (--json has all).\n',
    });
  });

  it('--csv: one row per project, the exact time and run (it feeds --ids-from)', async () => {
    const run = await write(['grant', '1-5']);
    const result = await cli(['report', '--instrument', 'UVP', '--csv']);
    expect(result).toEqual({
      code: 0,
      stdout: [
        'projid,title,instrument,objcount,access,user_email,user_right,since_kind,since,since_run',
        `3,Boknis Eck time series - UVP6,UVP6,96310,private,aqqua@geomar.de,View,run,2026-11-27T08:50:00.000Z,${run}`,
        '4,Baltic Sea transect AL557,UVP5HD,44102,private,aqqua@geomar.de,View,before-journals,,',
        `5,Gotland Basin deep chlorophyll maximum,UVP5SD,7850,public,aqqua@geomar.de,View,run,2026-11-27T08:50:00.000Z,${run}`,
        '11,Canary Current upwelling,UVP6,31776,private,aqqua@geomar.de,Manage,before-journals,,',
        '12,Atlantic Meridional Transect AMT28,UVP5HD,58219,public,aqqua@geomar.de,Manage,before-journals,,',
        '20,Peru upwelling M93,UVP5HD,40210,private,aqqua@geomar.de,View,before-journals,,',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('--format markdown: the table to paste into AqQua’s form, as of the day it is made', async () => {
    const run = await write(['grant', '3', '5']);
    const result = await cli(['report', '1-6', '--format', 'markdown'], {
      env: { ...env, SOURCE_DATE_EPOCH: String(REPORTED_AT) },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        '## EcoTaxa projects shared with AqQua \\<aqqua@geomar.de\\>',
        '',
        '- Shared by: Olivia Owner \\<owner@example.org\\>',
        `- Server: \`${server.url}\``,
        '- As of: 2026-11-28',
        '',
        '| ID | Title | Instrument | Objects | Access | Right | Since (UTC) | Run |',
        '| ---: | --- | --- | ---: | --- | --- | --- | --- |',
        `| 3 | Boknis Eck time series - UVP6 | UVP6 | 96310 | private ! | View | 2026-11-27 08:50 | ${run} |`,
        '| 4 | Baltic Sea transect AL557 | UVP5HD | 44102 | private ! | View | before the journals | - |',
        `| 5 | Gotland Basin deep chlorophyll maximum | UVP5SD | 7850 | public | View | 2026-11-27 08:50 | ${run} |`,
        '| 6 | Eckernförde Bay mesozooplankton | Zooscan | 12930 | private ! | Annotate | before the journals | - |',
        '',
        '**Total: 4 projects, 161,192 objects; instruments: UVP5HD (1), UVP5SD (1), UVP6 (1), Zooscan (1).**',
        '',
        "> Condition: AqQua's call for data asks that the data shared with AqQua be publishable under CC BY-NC 4.0 by 15 July 2027.",
        '>',
        '> ! 3 of these projects are still private (marked "private !"): the access level is the owner\'s to change, in EcoTaxa; ecotaxa-access changes nothing here.',
        '',
      ].join('\n'),
    );
  });

  it('--json: the documented object, each right with its run, command and author', async () => {
    const run = await write(['grant', '3']);
    const result = await cli(['report', '3', '4', '--json'], {
      env: { ...env, SOURCE_DATE_EPOCH: String(REPORTED_AT) },
    });
    expect(result.code).toBe(0);
    const person = (u: { id: number; name: string; email: string }) => ({ id: u.id, name: u.name, email: u.email });
    expect(JSON.parse(result.stdout)).toEqual({
      asOf: '2026-11-28T09:15:00.000Z',
      server: server.url,
      owner: person(OWNER),
      user: person(AQQUA),
      projects: [
        {
          projid: 3,
          title: 'Boknis Eck time series - UVP6',
          instrument: 'UVP6',
          objcount: 96310,
          access: 'private',
          right: 'View',
          since: {
            kind: 'run',
            run,
            at: '2026-11-27T08:50:00.000Z',
            command: 'grant 3',
            by: person(OWNER),
            confirmed: true,
          },
          marked: true,
        },
        {
          projid: 4,
          title: 'Baltic Sea transect AL557',
          instrument: 'UVP5HD',
          objcount: 44102,
          access: 'private',
          right: 'View',
          since: { kind: 'before-journals' },
          marked: true,
        },
      ],
      totals: {
        projects: 2,
        objects: 140412,
        instruments: [
          { instrument: 'UVP5HD', projects: 1 },
          { instrument: 'UVP6', projects: 1 },
        ],
      },
      condition: {
        licence: 'CC BY-NC 4.0',
        deadline: '2027-07-15',
        text: "AqQua's call for data asks that the data shared with AqQua be publishable under CC BY-NC 4.0 by 15 July 2027.",
        privateProjects: [3, 4],
      },
    });
  });
});

describe('report: since when, through undo, revoke and changes made elsewhere', () => {
  const sinceOf = async (ids: string): Promise<string[]> => {
    const result = await cli(['report', ids, '--csv']);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout.trim().split('\n').slice(1);
  };

  it('an undone grant is not reported; its redo is, since the redo', async () => {
    const grant = await write(['grant', '1', '2']);
    const undo = await write(['undo'], GRANTED_AT + 60);
    expect(await sinceOf('1-2')).toEqual([]);
    const redo = await write(['undo', undo], GRANTED_AT + 120);
    expect(redo).not.toBe(grant);
    expect(await sinceOf('1-2')).toEqual([
      `1,Kiel Fjord zooplankton 2019,Zooscan,18422,public,aqqua@geomar.de,View,run,2026-11-27T08:52:00.000Z,${redo}`,
      `2,Kiel Fjord zooplankton 2020,Zooscan,21067,public,aqqua@geomar.de,View,run,2026-11-27T08:52:00.000Z,${redo}`,
    ]);
  });

  it('revoked, then granted again: since the second grant', async () => {
    await write(['grant', '1']);
    await write(['revoke', '1'], GRANTED_AT + 60);
    const again = await write(['grant', '1', '--right', 'annotate'], GRANTED_AT + 120);
    expect(await sinceOf('1')).toEqual([
      `1,Kiel Fjord zooplankton 2019,Zooscan,18422,public,aqqua@geomar.de,Annotate,run,2026-11-27T08:52:00.000Z,${again}`,
    ]);
  });

  it('changed in the web UI after our grant: "changed elsewhere", explained under the table', async () => {
    await write(['grant', '1', '2']);
    const project = server.fake.projects.get(1);
    if (project === undefined) throw new Error('no project 1');
    project.privileges = project.privileges.filter((r) => r.member !== AQQUA.id).concat(A(AQQUA.id));
    const result = await cli(['report', '1', '--user', 'AqQua']);
    expect(result.stdout.split('\n').slice(0, 3)).toEqual([
      'ID  TITLE                        INSTRUMENT  OBJECTS  ACCESS  RIGHT     SINCE (UTC)        RUN',
      ' 1  Kiel Fjord zooplankton 2019  Zooscan       18422  public  Annotate  changed elsewhere  -',
      '"changed elsewhere": our runs last left another right there; it was changed since by other means (the web UI, another machine).',
    ]);
  });
});

describe('report: whose rights', () => {
  it('another user: no condition stated, nothing marked (the condition is AqQua’s call’s)', async () => {
    const result = await cli(['report', '1-4', '--user', 'colleague@example.org']);
    expect(result.stdout).toBe(
      [
        'ID  TITLE                          INSTRUMENT  OBJECTS  ACCESS   RIGHT     SINCE (UTC)          RUN',
        ' 1  Kiel Fjord zooplankton 2019    Zooscan       18422  public   Annotate  before the journals  -',
        ' 3  Boknis Eck time series - UVP6  UVP6          96310  private  Annotate  before the journals  -',
        ' 4  Baltic Sea transect AL557      UVP5HD        44102  private  View      before the journals  -',
        'Carl Colleague <colleague@example.org> has a right on 3 projects you manage: 158,834 objects; instruments: UVP5HD (1), UVP6 (1), Zooscan (1).',
        '',
      ].join('\n'),
    );
  });

  it('a user with no right on the projects selected: said on stderr, exit 0', async () => {
    const result = await cli(['report', '15']);
    expect(result).toEqual({
      code: 0,
      stdout: '',
      stderr: [
        'AqQua <aqqua@geomar.de> has no right on the project selected.',
        '15: AqQua has no right there: not reported',
        '',
      ].join('\n'),
    });
  });
});

describe('report: requests', () => {
  it('one paged search and nothing per project, however many projects', async () => {
    await start(seedScale(1_000));
    const result = await cli(['report', '--json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { projects: unknown[] }).projects).toHaveLength(100);
    expect(Object.fromEntries(server.routes)).toEqual({
      'GET /users/me': 1,
      'GET /users/search': 1,
      // 1,000 projects: ten full pages of 100, then an empty one.
      'GET /projects/search': 11,
    });
  });

  it('--received: one paged search too', async () => {
    for (let i = 0; i < 250; i++) {
      server.fake.addProject({ projid: 500 + i, title: `Shared ${i}`, privileges: [A(12, 'C'), V(AQQUA.id)] });
    }
    const result = await cli(['report', '--received', '--csv'], {
      env: { ...env, ECOTAXA_TOKEN: server.fake.tokenFor(AQQUA.id) },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(Object.fromEntries(server.routes)).toEqual({ 'GET /users/me': 1, 'GET /projects/search': 3 });
  });
});

describe('report: errors, one line each', () => {
  it('a user EcoTaxa does not have: exit 1', async () => {
    const result = await cli(['report', '--user', 'nobody@example.org']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: --user "nobody@example.org": no active EcoTaxa user has this email; check it with `ecotaxa-access users find`, or give the user\'s id\n',
    });
  });

  it('a selector matching no project you manage: exit 1', async () => {
    const result = await cli(['report', '--title', 'Mars']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: the selection (--title "Mars") matched no project you manage: check it against `ecotaxa-access projects list`\n',
    });
  });

  it('named ids: one not found is an error after the report; one not yours, or without a right, is a note', async () => {
    const result = await cli(['report', '1', '4', '33', '99', '--csv']);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n').slice(1)).toEqual([
      '4,Baltic Sea transect AL557,UVP5HD,44102,private,aqqua@geomar.de,View,before-journals,,',
    ]);
    expect(result.stderr).toBe(
      [
        `Note: no journal folder at ${journals.dir}: every right shows as given "before the journals".`,
        '1: AqQua has no right there: not reported',
        '33: not a project you manage: not reported',
        'error: 99: not found, or you have no right on it',
        '',
      ].join('\n'),
    );
  });

  it('no journal folder: every right "before the journals", with one note', async () => {
    const result = await cli(['report', '4', '6']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      ' 4  Baltic Sea transect AL557        UVP5HD        44102  private !  View      before the journals  -',
    );
    expect(result.stderr).toBe(
      `Note: no journal folder at ${journals.dir}: every right shows as given "before the journals".\n`,
    );
  });

  it('a damaged journal: a warning naming it, the other journals still used', async () => {
    const run = await write(['grant', '1']);
    await write(['grant', '2'], GRANTED_AT + 60);
    const damaged = path.join(journals.dir, `${run}.jsonl`);
    fs.appendFileSync(damaged, 'not json\n');
    const result = await cli(['report', '1', '2', '--csv']);
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',').slice(7, 9).join(',')),
    ).toEqual(['before-journals,', 'run,2026-11-27T08:51:00.000Z']);
    expect(result.stderr).toBe(
      `warning: the journal ${damaged} is damaged at line 5: left out; rights its run gave show as given before it, or "changed elsewhere"\n`,
    );
  });

  it.each([
    [['--csv', '--json'], '--csv and --json cannot be used together: choose one'],
    [['--format', 'markdown', '--csv'], '--format markdown and --csv cannot be used together: choose one'],
    [['--received', '--user', 'AqQua'], '--received reports the rights you were given: leave out --user'],
  ])('report %j: a usage error before any request', async (flags, message) => {
    const result = await cli(['report', ...flags]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(`error: ${message}`);
    expect(server.routes.size).toBe(0);
  });
});
