import { describe, expect, it } from 'vitest';
import type { MinUser } from '../../src/api/schemas.js';
import { renderReceivedCsv, renderReceivedMarkdown, renderReceivedTable } from '../../src/render/received.js';
import { renderReportCsv, renderReportMarkdown, renderReportTable } from '../../src/render/report.js';
import { buildReceived } from '../../src/review/received.js';
import { buildReport, type ReportInput } from '../../src/review/report.js';
import type { Since } from '../../src/review/since.js';
import { CALLER, OTHER, THIRD, USER, project } from '../support/factory.js';

/*
 * The report and its other side as plain data, and their renderings: which projects, which
 * marks, which totals, how groups are made, and outside text kept inert.
 */

const SERVER = 'https://ecotaxa.example/api';
const GRANTED: Since = {
  kind: 'run',
  run: '20261127T085000135Z-3ada8f',
  at: '2026-11-27T08:50:01.000Z',
  command: 'grant --all',
  by: { id: CALLER.id, name: CALLER.name, email: CALLER.email },
  confirmed: true,
};

function input(user: MinUser = USER): ReportInput {
  return {
    server: SERVER,
    owner: CALLER,
    user,
    projects: [
      project({ projid: 3, title: 'Public one', access: '1', viewers: [USER], objcount: null, instrument: null }),
      project({ projid: 1, title: 'Private one', viewers: [USER, OTHER] }),
      project({ projid: 2, title: 'Not shared', viewers: [OTHER] }),
      project({ projid: 4, title: 'Open, annotated', access: '2', annotators: [USER], instrument: 'UVP6' }),
    ],
    since: (projid) => (projid === 1 ? GRANTED : { kind: 'before-journals' }),
  };
}

describe('buildReport', () => {
  it('lists the projects where the user has a right, by id, with totals and AqQua’s condition', () => {
    const report = buildReport(input());
    expect(report.projects.map((r) => [r.projid, r.access, r.right, r.marked, r.since.kind])).toEqual([
      [1, 'private', 'View', true, 'run'],
      [3, 'public', 'View', false, 'before-journals'],
      [4, 'open', 'Annotate', false, 'before-journals'],
    ]);
    expect(report.totals).toEqual({
      projects: 3,
      objects: 18422 * 2,
      instruments: [
        { instrument: 'UVP6', projects: 1 },
        { instrument: 'Zooscan', projects: 1 },
        { instrument: null, projects: 1 },
      ],
    });
    expect(report.condition).toMatchObject({ licence: 'CC BY-NC 4.0', deadline: '2027-07-15', privateProjects: [1] });
  });

  it('states no condition and marks nothing for a user who is not AqQua’s account', () => {
    const report = buildReport(input(OTHER));
    expect(report.condition).toBeNull();
    expect(report.projects.map((r) => [r.projid, r.marked])).toEqual([
      [1, false],
      [2, false],
    ]);
  });
});

describe('renderReport', () => {
  it('CSV: one row per project, every field whole', () => {
    expect(renderReportCsv(buildReport(input()))).toBe(
      [
        'projid,title,instrument,objcount,access,user_email,user_right,since_kind,since,since_run',
        '1,Private one,Zooscan,18422,private,aqqua@geomar.de,View,run,2026-11-27T08:50:01.000Z,20261127T085000135Z-3ada8f',
        '3,Public one,,,public,aqqua@geomar.de,View,before-journals,,',
        '4,"Open, annotated",UVP6,18422,open,aqqua@geomar.de,Annotate,before-journals,,',
      ].join('\n'),
    );
  });

  it('a table, its closing lines, and the condition once', () => {
    const { text, dropped } = renderReportTable(buildReport(input()), { width: undefined });
    expect(dropped).toEqual([]);
    expect(text).toBe(
      [
        'ID  TITLE            INSTRUMENT  OBJECTS  ACCESS     RIGHT     SINCE (UTC)          RUN',
        ' 1  Private one      Zooscan       18422  private !  View      2026-11-27 08:50     20261127T085000135Z-3ada8f',
        ' 3  Public one       -                 -  public     View      before the journals  -',
        ' 4  Open, annotated  UVP6          18422  open       Annotate  before the journals  -',
        'AqQua <aqqua@geomar.de> has a right on 3 projects you manage: 36,844 objects; instruments: UVP6 (1), Zooscan (1), (none) (1).',
        "Condition: AqQua's call for data asks that the data shared with AqQua be publishable under CC BY-NC 4.0 by 15 July 2027.",
        '! 1 of these projects is still private (marked "private !"): the access level is the owner\'s to change, in EcoTaxa; ecotaxa-access changes nothing here.',
      ].join('\n'),
    );
  });

  it('explains "changed elsewhere" and "?" under the table when rows show them', () => {
    const report = buildReport({
      ...input(OTHER),
      since: (projid) =>
        projid === 1
          ? { ...GRANTED, confirmed: false }
          : { kind: 'elsewhere', lastRun: GRANTED.run, lastAt: '2026-11-27T08:50:01.000Z' },
    });
    const lines = renderReportTable(report, { width: undefined }).text.split('\n');
    expect(lines.slice(1, 3)).toEqual([
      ' 1  Private one  Zooscan       18422  private  View   2026-11-27 08:50?  20261127T085000135Z-3ada8f',
      ' 2  Not shared   Zooscan       18422  private  View   changed elsewhere  -',
    ]);
    expect(lines.slice(3)).toEqual([
      '"changed elsewhere": our runs last left another right there; it was changed since by other means (the web UI, another machine).',
      '"?": the run never learned whether that write landed; the project shows its result, so it most likely did.',
      'Carl Colleague <colleague@example.org> has a right on 2 projects you manage: 36,844 objects; instruments: Zooscan (2).',
    ]);
  });

  it('Markdown: outside text cannot break the table, make markup, or act on a terminal', () => {
    const hostile = input();
    hostile.projects = [project({ projid: 7, title: 'a | b *c* <b>x</b>\n\u001b[2Jd', viewers: [USER] })];
    const markdown = renderReportMarkdown(buildReport(hostile), '2026-11-28');
    expect(markdown.split('\n').slice(0, 9)).toEqual([
      '## EcoTaxa projects shared with AqQua \\<aqqua@geomar.de\\>',
      '',
      '- Shared by: Olivia Owner \\<owner@example.org\\>',
      '- Server: `https://ecotaxa.example/api`',
      '- As of: 2026-11-28',
      '',
      '| ID | Title | Instrument | Objects | Access | Right | Since (UTC) | Run |',
      '| ---: | --- | --- | ---: | --- | --- | --- | --- |',
      '| 7 | a \\| b \\*c\\* \\<b\\>x\\</b\\>\\\\n\\\\x1b\\[2Jd | Zooscan | 18422 | private ! | View | before the journals | - |',
    ]);
    expect(markdown).not.toContain('\u001b');
  });
});

describe('buildReceived', () => {
  const me = { id: USER.id, name: USER.name, email: USER.email };
  const projects = () => [
    project({ projid: 5, title: 'Carl’s', managers: [OTHER], contact: OTHER, viewers: [USER] }),
    project({ projid: 6, title: 'Mine to manage', managers: [OTHER, USER], contact: OTHER }),
    project({ projid: 7, title: 'No contact, two managers', managers: [THIRD, OTHER], contact: null, viewers: [USER] }),
    project({ projid: 8, title: 'No contact, Carl alone', managers: [OTHER], contact: null, annotators: [USER] }),
    project({ projid: 9, title: 'Olivia’s', viewers: [USER], objcount: 5 }),
    project({ projid: 10, title: 'No right (an administrator sees it)', managers: [THIRD], contact: THIRD }),
    project({ projid: 11, title: 'Nobody active', managers: [], contact: null, viewers: [USER], objcount: null }),
  ];

  it('groups by whom to write to: the contact, else every manager; leaves out what you manage or have no right on', () => {
    const received = buildReceived(SERVER, me, projects());
    expect(
      received.groups.map((g) => [
        g.contact?.name ?? null,
        g.recipients.map((r) => r.id),
        g.projects.map((p) => p.projid),
        g.objects,
      ]),
    ).toEqual([
      // A project without a contact whose one manager is Carl joins Carl's group.
      ['Carl Colleague', [OTHER.id], [5, 8], 2 * 18422],
      ['Olivia Owner', [CALLER.id], [9], 5],
      [null, [OTHER.id, THIRD.id], [7], 18422],
      [null, [], [11], 0],
    ]);
    expect(received.groups[0]?.projects.map((p) => p.right)).toEqual(['View', 'Annotate']);
    expect(received.totals).toMatchObject({ projects: 5, objects: 3 * 18422 + 5, groups: 4 });
  });

  it('CSV: one row per contact, with whom to write to', () => {
    expect(renderReceivedCsv(buildReceived(SERVER, me, projects()))).toBe(
      [
        'contact_name,contact_email,write_to,projects,projids,titles,objects',
        'Carl Colleague,colleague@example.org,colleague@example.org,2,5 8,"Carl’s; No contact, Carl alone",36844',
        'Olivia Owner,owner@example.org,owner@example.org,1,9,Olivia’s,5',
        ',,"colleague@example.org, victor@example.org",1,7,"No contact, two managers",18422',
        ',,,1,11,Nobody active,0',
      ].join('\n'),
    );
  });

  it('a block per contact, a line naming them, inert', () => {
    const list = projects().slice(0, 1);
    list[0] = project({ ...list[0], contact: { ...OTHER, name: 'Carl \u001b]0;x\u0007' }, managers: [OTHER] });
    const { text } = renderReceivedTable(buildReceived(SERVER, me, list), { width: undefined });
    expect(text).toBe(
      [
        'Carl \\x1b]0;x\\x07 <colleague@example.org>: 1 project, 18,422 objects',
        '  ID  TITLE   INSTRUMENT  OBJECTS  ACCESS   YOUR RIGHT',
        '   5  Carl’s  Zooscan       18422  private  View',
        '',
        'Total: 1 project, 18,422 objects; instruments: Zooscan (1); 1 contact to write to.',
      ].join('\n'),
    );
    expect(renderReceivedMarkdown(buildReceived(SERVER, me, list), '2026-11-28')).toContain(
      '### Carl \\\\x1b\\]0;x\\\\x07 \\<colleague@example.org\\>: 1 project, 18,422 objects',
    );
  });
});
