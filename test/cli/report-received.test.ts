import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunOptions, runCli } from '../support/cli.js';
import { seedReceived } from '../support/received-world.js';
import { ADMIN, AQQUA } from '../support/people.js';
import { V } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * report --received: AqQua's side. Every project where AqQua holds a right without managing
 * it, grouped by whom to tell that the download is complete; and both reports replayed
 * offline from the committed recordings.
 */

const { server, home, env, cli } = useFakeEcoTaxa({ world: seedReceived, caller: AQQUA });

/** What AqQua was given in the received world, as the table shows it off a terminal. */
const RECEIVED = [
  'Ada Admin <admin@example.org>: 1 project, 3,301 objects',
  '  ID  TITLE                                     INSTRUMENT    OBJECTS  ACCESS   YOUR RIGHT',
  '  56  Roscoff PlanktoScope 2022                 PlanktoScope     3301  public   View',
  '',
  'Carl Colleague <colleague@example.org>: 3 projects, 200,570 objects',
  '  ID  TITLE                                     INSTRUMENT    OBJECTS  ACCESS   YOUR RIGHT',
  '  50  AWI Fram Strait LOKI 2017                 UVP5HD          61240  private  View',
  '  51  AWI HAUSGARTEN UVP 2018                   UVP5HD          18930  public   View',
  '  55  Old Zooscan archive (inactive contact)    Zooscan        120400  private  View',
  '',
  'Olivia Owner <owner@example.org>: 4 projects, 101,754 objects',
  '  ID  TITLE                                     INSTRUMENT    OBJECTS  ACCESS   YOUR RIGHT',
  '   4  Baltic Sea transect AL557                 UVP5HD          44102  private  View',
  '   6  Eckernförde Bay mesozooplankton           Zooscan         12930  private  Annotate',
  '  20  Peru upwelling M93                        UVP5HD          40210  private  View',
  '  25  Southern Ocean salps                      Zooscan          4512  private  View',
  '',
  'Victor Villefranche <victor@example.org>: 1 project, 402,118 objects',
  '  ID  TITLE                                     INSTRUMENT    OBJECTS  ACCESS   YOUR RIGHT',
  '  52  Point B zooplankton time series           Zooscan        402118  open     Annotate',
  '',
  'No contact; its managers: Carl Colleague <colleague@example.org>, Victor Villefranche <victor@example.org>: 1 project, 7,705 objects',
  '  ID  TITLE                                     INSTRUMENT    OBJECTS  ACCESS   YOUR RIGHT',
  '  53  Bay of Villefranche FlowCam (no contact)  FlowCam          7705  private  View',
  '',
  'Total: 10 projects, 715,448 objects; instruments: UVP5HD (4), Zooscan (4), FlowCam (1), PlanktoScope (1); 5 contacts to write to.',
  '',
].join('\n');

describe('report --received', () => {
  it('groups by contact: an inactive contact’s project goes to its manager, one without a contact to all its managers', async () => {
    const result = await cli(['report', '--received']);
    expect(result).toEqual({ code: 0, stdout: RECEIVED, stderr: '' });
  });

  it('--csv: one row per contact, with the emails to write to', async () => {
    const result = await cli(['report', '--received', '--csv']);
    expect(result).toEqual({
      code: 0,
      stdout: [
        'contact_name,contact_email,write_to,projects,projids,titles,objects',
        'Ada Admin,admin@example.org,admin@example.org,1,56,Roscoff PlanktoScope 2022,3301',
        'Carl Colleague,colleague@example.org,colleague@example.org,3,50-51 55,AWI Fram Strait LOKI 2017; AWI HAUSGARTEN UVP 2018; Old Zooscan archive (inactive contact),200570',
        'Olivia Owner,owner@example.org,owner@example.org,4,4 6 20 25,Baltic Sea transect AL557; Eckernförde Bay mesozooplankton; Peru upwelling M93; Southern Ocean salps,101754',
        'Victor Villefranche,victor@example.org,victor@example.org,1,52,Point B zooplankton time series,402118',
        ',,"colleague@example.org, victor@example.org",1,53,Bay of Villefranche FlowCam (no contact),7705',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('--json: groups with their people and projects', async () => {
    const result = await cli(['report', '--received', '--instrument', 'FlowCam', '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(json['you']).toEqual({ id: AQQUA.id, name: AQQUA.name, email: AQQUA.email });
    expect(json['groups']).toEqual([
      {
        contact: null,
        recipients: [
          { id: 11, name: 'Carl Colleague', email: 'colleague@example.org' },
          { id: 12, name: 'Victor Villefranche', email: 'victor@example.org' },
        ],
        projects: [
          {
            projid: 53,
            title: 'Bay of Villefranche FlowCam (no contact)',
            instrument: 'FlowCam',
            objcount: 7705,
            access: 'private',
            right: 'View',
            contact: null,
          },
        ],
        objects: 7705,
      },
    ]);
    expect(json['totals']).toEqual({
      projects: 1,
      objects: 7705,
      instruments: [{ instrument: 'FlowCam', projects: 1 }],
      groups: 1,
    });
  });

  it('an administrator sees every project, but only those where it is a member count', async () => {
    server.fake.addProject({ projid: 57, title: 'Admin is a viewer here', privileges: [V(ADMIN.id)] });
    const result = await cli(['report', '--received', '--csv'], {
      env: { ...env, ECOTAXA_TOKEN: server.fake.tokenFor(ADMIN.id) },
    });
    expect(result.stdout).toBe(
      'contact_name,contact_email,write_to,projects,projids,titles,objects\n,,,1,57,Admin is a viewer here,0\n',
    );
  });

  it('a selector matching no project shared with you: exit 1, one line', async () => {
    const result = await cli(['report', '--received', '54']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: the selection (54) matched no project where you have a right without managing it: check it against `ecotaxa-access projects list --all-rights`\n',
    });
  });
});

describe('report, replayed offline from the committed recordings', () => {
  const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures');
  /** A home of its own, with no login and no journal: a replay needs neither. */
  const offline = (): RunOptions => ({ env: { ...home.env }, cwd: home.home });

  it('report --received --replay fixtures/received: AqQua’s side, with no server and no credentials', async () => {
    const result = await runCli(['report', '--received', '--replay', path.join(FIXTURES, 'received')], offline());
    expect(result).toEqual({ code: 0, stdout: RECEIVED, stderr: '' });
  });

  it('report --replay fixtures/report --format markdown: the owner’s side, every right "before the journals" here', async () => {
    const result = await runCli(
      ['report', '--format', 'markdown', '--replay', path.join(FIXTURES, 'report')],
      offline(),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        '## EcoTaxa projects shared with AqQua \\<aqqua@geomar.de\\>',
        '',
        '- Shared by: Olivia Owner \\<owner@example.org\\>',
        '- Server: `http://127.0.0.1:8088/api`',
        '- As of: 2026-11-08',
        '',
        '| ID | Title | Instrument | Objects | Access | Right | Since (UTC) | Run |',
        '| ---: | --- | --- | ---: | --- | --- | --- | --- |',
        '| 4 | Baltic Sea transect AL557 | UVP5HD | 44102 | private ! | View | before the journals | - |',
        '| 6 | Eckernförde Bay mesozooplankton | Zooscan | 12930 | private ! | Annotate | before the journals | - |',
        '| 11 | Canary Current upwelling | UVP6 | 31776 | private ! | Manage | before the journals | - |',
        '| 12 | Atlantic Meridional Transect AMT28 | UVP5HD | 58219 | public | Manage | before the journals | - |',
        '| 20 | Peru upwelling M93 | UVP5HD | 40210 | private ! | View | before the journals | - |',
        '| 25 | Southern Ocean salps | Zooscan | 4512 | private ! | View | before the journals | - |',
        '',
        '**Total: 6 projects, 191,749 objects; instruments: UVP5HD (3), Zooscan (2), UVP6 (1).**',
        '',
        "> Condition: AqQua's call for data asks that the data shared with AqQua be publishable under CC BY-NC 4.0 by 15 July 2027.",
        '>',
        '> ! 5 of these projects are still private (marked "private !"): the access level is the owner\'s to change, in EcoTaxa; ecotaxa-access changes nothing here.',
        '',
      ].join('\n'),
    );
  });
});
