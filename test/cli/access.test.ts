import { describe, expect, it } from 'vitest';
import { AQQUA, COLLEAGUE, OWNER, VICTOR } from '../support/people.js';
import { M, V, seedScale } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * access: who has what on Olivia's projects, against the fake's state (seedWorld: a
 * co-managed project, AqQua from another domain, legacy contacts), at a terminal 80 and 160
 * columns wide, into a pipe, as CSV, Markdown and JSON; its exit codes and its request count.
 */

const { server, env, cli, start } = useFakeEcoTaxa();

const NOTE_160 =
  'Note: Rights of inactive accounts, which the API never shows, are not listed here (and any update of a project drops them).';
const FINDINGS_160 = [
  'Worth a look:',
  '  - Carl Colleague <colleague@example.org> manages 7 with you',
  '  - AqQua <aqqua@geomar.de> manages 11-12 with you',
  "  - AqQua <aqqua@geomar.de>: geomar.de is neither your domain nor another manager's, on 4 6 11-12 20 25",
  '  - projects 9-10: no contact (none set, or an inactive account): EcoTaxa refuses to update them until one is set in the web UI',
  '  - project 8: the contact Carl Colleague is not a manager: EcoTaxa refuses to update it until that is fixed in the web UI',
  NOTE_160,
];

describe('access: one row per person', () => {
  it('at 160 columns: every column, the most powerful first, then the findings', async () => {
    const result = await cli(['access'], { columns: 160 });
    expect(result).toEqual({
      code: 0,
      stdout: [
        'NAME                 EMAIL                      ORGANISATION                              MANAGE  ANNOTATE  VIEW  PROJECTS',
        'Carl Colleague       colleague@example.org      Alfred Wegener Institute - AWI                 1        10     3  M: 7; A: 1 3 5 8 13 16 18 22 30-31; V: 4 14 24',
        'AqQua                aqqua@geomar.de            GEOMAR Helmholtz Centre for Ocean Resea…       2         1     3  M: 11-12; A: 6; V: 4 20 25',
        "Victor Villefranche  victor@example.org         Laboratoire d'Océanographie de Villefra…       0         1     2  A: 27; V: 7 13",
        'AqQua Archive        aqqua.archive@example.org  GEOMAR Helmholtz Centre for Ocean Resea…       0         0     1  V: 14',
        '',
        ...FINDINGS_160,
        '',
      ].join('\n'),
      stderr: '4 people besides you, on 32 projects.\n',
    });
  });

  it('at 80 columns: emails and organisations give way, the ids are shortened, findings wrap', async () => {
    const result = await cli(['access'], { columns: 80 });
    expect(result).toEqual({
      code: 0,
      stdout: [
        'NAME                 MANAGE  ANNOTATE  VIEW  PROJECTS',
        'Carl Colleague            1        10     3  M: 7; A: 1 3 5 8 13 16 18 22 30-31…',
        'AqQua                     2         1     3  M: 11-12; A: 6; V: 4 20 25',
        'Victor Villefranche       0         1     2  A: 27; V: 7 13',
        'AqQua Archive             0         0     1  V: 14',
        '',
        'Worth a look:',
        '  - Carl Colleague <colleague@example.org> manages 7 with you',
        '  - AqQua <aqqua@geomar.de> manages 11-12 with you',
        '  - AqQua <aqqua@geomar.de>: geomar.de is neither your domain nor another',
        "    manager's, on 4 6 11-12 20 25",
        '  - projects 9-10: no contact (none set, or an inactive account): EcoTaxa',
        '    refuses to update them until one is set in the web UI',
        '  - project 8: the contact Carl Colleague is not a manager: EcoTaxa refuses to',
        '    update it until that is fixed in the web UI',
        'Note: Rights of inactive accounts, which the API never shows, are not listed',
        '      here (and any update of a project drops them).',
        '',
      ].join('\n'),
      stderr: '4 people besides you, on 32 projects.\nHidden to fit: EMAIL, ORGANISATION (--json has all).\n',
    });
  });

  it('into a pipe: nothing is cut', async () => {
    const result = await cli(['access']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(0, 3)).toEqual([
      'NAME                 EMAIL                      ORGANISATION                                       MANAGE  ANNOTATE  VIEW  PROJECTS',
      'Carl Colleague       colleague@example.org      Alfred Wegener Institute - AWI                          1        10     3  M: 7; A: 1 3 5 8 13 16 18 22 30-31; V: 4 14 24',
      'AqQua                aqqua@geomar.de            GEOMAR Helmholtz Centre for Ocean Research Kiel         2         1     3  M: 11-12; A: 6; V: 4 20 25',
    ]);
  });

  it('a person on more than 5 of the projects who manages none is a likely data consumer', async () => {
    const dana = server.fake.addUser({
      id: 30,
      email: 'dana@plankton-data.example',
      name: 'Dana Data',
      organisation: 'Plankton Data Hub',
      password: 'Dana-pass-2024',
    });
    for (const id of [15, 17, 19, 21, 23, 26]) server.fake.projects.get(id)?.privileges.push(V(dana.id));
    const result = await cli(['access', '--user', 'dana@plankton-data.example'], { columns: 160 });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'NAME       EMAIL                       ORGANISATION       MANAGE  ANNOTATE  VIEW  PROJECTS',
        'Dana Data  dana@plankton-data.example  Plankton Data Hub       0         0     6  V: 15 17 19 21 23 26',
        '',
        'Worth a look:',
        "  - Dana Data <dana@plankton-data.example>: plankton-data.example is neither your domain nor another manager's, on 15 17 19 21 23 26",
        '  - Dana Data <dana@plankton-data.example> has a right on 6 projects and manages none (more than 5): a data consumer?',
        NOTE_160,
        '',
      ].join('\n'),
    );
  });

  it('names and titles from outside are shown inert, in the table and in the findings', async () => {
    server.fake.addUser({
      id: 31,
      email: 'eve@evil.example',
      name: 'Eve\u001b[2J\u001b]0;pwned\u0007 \u202eevil',
      organisation: 'x',
      password: 'Eve-pass-2024',
    });
    server.fake.addProject({ projid: 50, title: 'T', privileges: [M(OWNER.id, 'C'), M(31)] });
    const result = await cli(['access', '50']);
    expect(result.code).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(result.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(result.stdout).toContain('Eve\\x1b[2J\\x1b]0;pwned\\x07 \\u202eevil <eve@evil.example> manages 50 with you');
  });
});

describe('access --by-project', () => {
  it('at 160 columns: each project with its contact and its members, by right', async () => {
    const result = await cli(['access', '--by-project', '1-14'], { columns: 160 });
    expect(result.stdout.split('\n').slice(0, 16)).toEqual([
      'ID  TITLE                                        CONTACT         MEMBERS',
      ' 1  Kiel Fjord zooplankton 2019                  you             A: Carl Colleague',
      ' 2  Kiel Fjord zooplankton 2020                  you             -',
      ' 3  Boknis Eck time series - UVP6                you             A: Carl Colleague',
      ' 4  Baltic Sea transect AL557                    you             V: Carl Colleague, AqQua',
      ' 5  Gotland Basin deep chlorophyll maximum       you             A: Carl Colleague',
      ' 6  Eckernförde Bay mesozooplankton              you             A: AqQua',
      ' 7  Helgoland Roads copepods (co-managed)        Carl Colleague  M: Carl Colleague; V: Victor Villefranche',
      ' 8  Bornholm Basin larval fish (legacy contact)  Carl Colleague  A: Carl Colleague',
      ' 9  North Sea herring larvae 2008 (no contact)   (none)          -',
      '10  PlanktoScope Kiel harbour                    (none)          -',
      '11  Canary Current upwelling                     you             M: AqQua',
      '12  Atlantic Meridional Transect AMT28           AqQua           M: AqQua',
      '13  Mauritanian shelf FlowCam                    you             A: Carl Colleague; V: Victor Villefranche',
      '14  Arctic PS114 Fram Strait                     you             V: Carl Colleague, AqQua Archive',
      '',
    ]);
    expect(result.stderr).toBe('14 projects, 4 people besides you.\n');
  });

  it('at 80 columns: the contact gives way, members wrap between names', async () => {
    const result = await cli(['access', '--by-project', '4-8'], { columns: 80 });
    expect(result.stdout.split('\n').slice(0, 8)).toEqual([
      'ID  TITLE                                        MEMBERS',
      ' 4  Baltic Sea transect AL557                    V: Carl Colleague, AqQua',
      ' 5  Gotland Basin deep chlorophyll maximum       A: Carl Colleague',
      ' 6  Eckernförde Bay mesozooplankton              A: AqQua',
      ' 7  Helgoland Roads copepods (co-managed)        M: Carl Colleague;',
      '                                                 V: Victor Villefranche',
      ' 8  Bornholm Basin larval fish (legacy contact)  A: Carl Colleague',
      '',
    ]);
    expect(result.stderr).toBe('5 projects, 3 people besides you.\nHidden to fit: CONTACT (--json has all).\n');
  });
});

describe('access: CSV, Markdown and JSON', () => {
  it('--csv: one row per person, every id whole, as ranges', async () => {
    const result = await cli(['access', '--csv']);
    expect(result).toEqual({
      code: 0,
      stdout: [
        'user_id,name,email,organisation,highest_right,manage_count,annotate_count,view_count,manage_projects,annotate_projects,view_projects,contact_projects,attention',
        '11,Carl Colleague,colleague@example.org,Alfred Wegener Institute - AWI,Manage,1,10,3,7,1 3 5 8 13 16 18 22 30-31,4 14 24,7-8,other-manager contact-not-manager',
        '10,AqQua,aqqua@geomar.de,GEOMAR Helmholtz Centre for Ocean Research Kiel,Manage,2,1,3,11-12,6,4 20 25,12,other-manager other-domain',
        "12,Victor Villefranche,victor@example.org,Laboratoire d'Océanographie de Villefranche - LOV,Annotate,0,1,2,,27,7 13,,",
        '13,AqQua Archive,aqqua.archive@example.org,GEOMAR Helmholtz Centre for Ocean Research Kiel,View,0,0,1,,,14,,',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('--csv --by-project: one row per project, members as "Name <email>"', async () => {
    const result = await cli(['access', '--csv', '--by-project', '7-9']);
    expect(result.stdout).toBe(
      [
        'projid,title,contact_name,contact_email,managers,annotators,viewers',
        '7,Helgoland Roads copepods (co-managed),Carl Colleague,colleague@example.org,Carl Colleague <colleague@example.org>,,Victor Villefranche <victor@example.org>',
        '8,Bornholm Basin larval fish (legacy contact),Carl Colleague,colleague@example.org,,Carl Colleague <colleague@example.org>,',
        '9,North Sea herring larvae 2008 (no contact),,,,,',
        '',
      ].join('\n'),
    );
  });

  it('--format markdown: a title, the table, the findings and the note', async () => {
    const result = await cli(['access', '--format', 'markdown', '--user', 'aqqua@geomar.de']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        // The server's address as code: readable, and not a link (a Markdown summary links nothing).
        `## Who has what: 6 projects at \`${server.url}\``,
        '',
        '| Name | Email | Organisation | Manage | Annotate | View | Projects |',
        '| --- | --- | --- | ---: | ---: | ---: | --- |',
        '| AqQua | aqqua@geomar.de | GEOMAR Helmholtz Centre for Ocean Research Kiel | 2 | 1 | 3 | M: 11-12; A: 6; V: 4 20 25 |',
        '',
        '### Worth a look',
        '',
        '- AqQua \\<aqqua@geomar.de\\> manages 11-12 with you',
        "- AqQua \\<aqqua@geomar.de\\>: geomar.de is neither your domain nor another manager's, on 4 6 11-12 20 25",
        '',
        '_Note: Rights of inactive accounts, which the API never shows, are not listed here (and any update of a project drops them)._',
        '',
      ].join('\n'),
    );
  });

  it('--json: people, projects and findings, every id', async () => {
    const result = await cli(['access', '--json', '7-9']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const carl = { id: COLLEAGUE.id, name: COLLEAGUE.name, email: COLLEAGUE.email };
    const victor = { id: VICTOR.id, name: VICTOR.name, email: VICTOR.email };
    expect(JSON.parse(result.stdout)).toEqual({
      server: server.url,
      caller: { id: OWNER.id, name: OWNER.name, email: OWNER.email },
      people: [
        {
          ...carl,
          organisation: 'Alfred Wegener Institute - AWI',
          highestRight: 'Manage',
          counts: { Manage: 1, Annotate: 1, View: 0 },
          projects: { Manage: [7], Annotate: [8], View: [] },
          contactOf: [7, 8],
          attention: ['other-manager', 'contact-not-manager'],
        },
        {
          ...victor,
          organisation: "Laboratoire d'Océanographie de Villefranche - LOV",
          highestRight: 'View',
          counts: { Manage: 0, Annotate: 0, View: 1 },
          projects: { Manage: [], Annotate: [], View: [7] },
          contactOf: [],
          attention: [],
        },
      ],
      projects: [
        {
          projid: 7,
          title: 'Helgoland Roads copepods (co-managed)',
          contact: { ...carl, organisation: 'Alfred Wegener Institute - AWI' },
          managers: [{ ...carl, organisation: 'Alfred Wegener Institute - AWI' }],
          annotators: [],
          viewers: [{ ...victor, organisation: "Laboratoire d'Océanographie de Villefranche - LOV" }],
        },
        {
          projid: 8,
          title: 'Bornholm Basin larval fish (legacy contact)',
          contact: { ...carl, organisation: 'Alfred Wegener Institute - AWI' },
          managers: [],
          annotators: [{ ...carl, organisation: 'Alfred Wegener Institute - AWI' }],
          viewers: [],
        },
        {
          projid: 9,
          title: 'North Sea herring larvae 2008 (no contact)',
          contact: null,
          managers: [],
          annotators: [],
          viewers: [],
        },
      ],
      attention: [
        {
          kind: 'other-manager',
          user: { ...carl, organisation: 'Alfred Wegener Institute - AWI' },
          projects: [7],
          domain: null,
        },
        { kind: 'no-contact', user: null, projects: [9], domain: null },
        {
          kind: 'contact-not-manager',
          user: { ...carl, organisation: 'Alfred Wegener Institute - AWI' },
          projects: [8],
          domain: null,
        },
      ],
      notes: [
        'Rights of inactive accounts, which the API never shows, are not listed here (and any update of a project drops them).',
      ],
    });
  });

  it('--csv, --json and --format markdown are refused together, before any request', async () => {
    const result = await cli(['access', '--csv', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: --json and --csv are different outputs: choose one\n');
    expect(server.routes.size).toBe(0);
  });
});

describe('access: what it was asked for, and exit codes', () => {
  it('--user narrows to one person, found as --user finds one elsewhere', async () => {
    const result = await cli(['access', '--user', String(AQQUA.id), '--csv']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(1, 3)).toEqual([
      '10,AqQua,aqqua@geomar.de,GEOMAR Helmholtz Centre for Ocean Research Kiel,Manage,2,1,3,11-12,6,4 20 25,12,other-manager other-domain',
      '',
    ]);
  });

  it('a user not found: one line, exit 1', async () => {
    const result = await cli(['access', '--user', 'nobody@example.org']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: --user "nobody@example.org": no active EcoTaxa user has this email; check it with `ecotaxa-access users find`, or give the user\'s id\n',
    });
  });

  it('--right narrows to one right; nobody holding it exits 1, as grep does', async () => {
    const manage = await cli(['access', '--right', 'manage', '--csv', '1-10']);
    expect(manage.code).toBe(0);
    expect(manage.stdout.split('\n').map((l) => l.split(',')[1])).toEqual(['name', 'Carl Colleague', undefined]);
    const none = await cli(['access', '--right', 'manage', '1-6']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('No one but you holds Manage on the 6 selected projects.\n');
    const aqqua = await cli(['access', '--user', 'aqqua@geomar.de', '1-3']);
    expect(aqqua.code).toBe(1);
    expect(aqqua.stderr).toBe('AqQua <aqqua@geomar.de> holds no right on the 3 selected projects.\n');
  });

  it('a named id not found: one line, exit 1, after the rest; a project you do not manage is left out, with a note', async () => {
    const result = await cli(['access', '5', '999', '33', '--csv']);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[1]).toMatch(/^11,Carl Colleague,.*,Annotate,0,1,0,,5,,,$/);
    expect(result.stderr).toBe(
      '33: not a project you manage: left out\nerror: 999: not found, or you have no right on it\n',
    );
  });

  it('selectors that match no project: one line, exit 1; no selector at all on an owner without projects: exit 0', async () => {
    const nothing = await cli(['access', '--title', 'nothing like this']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toBe('No project you manage matches these selectors.\n');
    const other = await cli(['access'], {
      env: { ...env, ECOTAXA_TOKEN: server.fake.tokenFor(AQQUA.id + 3) },
    });
    expect(other.code).toBe(0);
    expect(other.stderr).toBe(`You manage no project at ${server.url}.\n`);
  });
});

describe('access at scale', () => {
  it('at 250 projects: /users/me and 3 search pages, nothing else', async () => {
    await start(seedScale(250));
    const result = await cli(['access', '--json']);
    expect(result.code).toBe(0);
    expect(Object.fromEntries(server.routes)).toEqual({ 'GET /users/me': 1, 'GET /projects/search': 3 });
    const people = (JSON.parse(result.stdout) as { people: { id: number }[] }).people.length;
    expect(people).toBe(3);
  });
});
