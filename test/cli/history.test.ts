import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/render/history.js';
import type { CliResult } from '../support/cli.js';
import { FakeEcoTaxa } from '../support/fake-ecotaxa.js';
import { AQQUA, COLLEAGUE, OWNER, VICTOR, who } from '../support/people.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * history reads the journal directory only: no session, no request (it runs offline and with
 * no token). Journals are written here by hand, with fixed ids and times, so that the exact
 * table and JSON can be compared.
 */

const SERVER = 'https://ecotaxa.obs-vlfr.fr/api';
const OTHER_SERVER = 'https://ecotaxa.example.org/api';

/** No server, no ECOTAXA_URL: the default server, which a test must never reach (nothing here would answer). */
const { home, env, cli, journals } = useFakeEcoTaxa({ world: null });
/** The journal folder, there before each test. */
let dir: string;

beforeEach(() => {
  dir = journals.dir;
  fs.mkdirSync(dir, { recursive: true });
});

const history = (argv: string[], extra: Record<string, string> = {}): Promise<CliResult> =>
  cli(['history', ...argv], { env: { ...env, ...extra } });

type Who = { id: number; email: string; name: string };
const person = (p: Who): object => ({ ...who(p), organisation: null });

interface RunSpec {
  id: string;
  command: string;
  server?: string;
  caller?: Who;
  users?: Who[];
  changes?: [number, string | null, string | null, Who?][];
  end?: { interrupted?: boolean; failed?: number; skipped?: number; notStarted?: number } | null;
  undoes?: string[];
  continues?: string;
}

/** Writes one journal as the tool does: run line, change lines, end line (none: a crash). */
function journal(spec: RunSpec): void {
  const users = spec.users ?? [AQQUA];
  const time = `${spec.id.slice(0, 4)}-${spec.id.slice(4, 6)}-${spec.id.slice(6, 8)}T${spec.id.slice(9, 11)}:${spec.id.slice(11, 13)}:00.000Z`;
  const lines: object[] = [
    {
      type: 'run',
      version: 1,
      runId: spec.id,
      startedAt: time,
      server: spec.server ?? SERVER,
      caller: person(spec.caller ?? OWNER),
      ...(users.length === 1 ? { user: person(users[0] as Who) } : { users: users.map(person) }),
      command: spec.command,
      ...(spec.undoes === undefined ? {} : { undoes: spec.undoes }),
      ...(spec.continues === undefined ? {} : { continues: spec.continues }),
    },
  ];
  for (const [projid, before, after, user] of spec.changes ?? []) {
    lines.push({
      type: 'change',
      runId: spec.id,
      time,
      projid,
      title: `Project ${projid}`,
      userId: (user ?? users[0] ?? AQQUA).id,
      before,
      after,
    });
  }
  if (spec.end !== null) {
    lines.push({
      type: 'end',
      runId: spec.id,
      time,
      interrupted: spec.end?.interrupted ?? false,
      applied: spec.changes?.length ?? 0,
      failed: spec.end?.failed ?? 0,
      skipped: spec.end?.skipped ?? 0,
      unconfirmed: 0,
      notStarted: spec.end?.notStarted ?? 0,
    });
  }
  journals.write(`${spec.id}.jsonl`, lines);
}

const G1 = '20261126T090000000Z-aaaaaa';
const G1B = '20261126T091500000Z-bbbbbb';
const U1 = '20261126T100000000Z-cccccc';
const R1 = '20261126T110000000Z-dddddd';
const G2 = '20261126T120000000Z-eeeeee';
const U2 = '20261126T130000000Z-ffffff';
const S1 = '20261126T140000000Z-111111';
const X1 = '20261126T150000000Z-222222';
const O1 = '20261126T160000000Z-333333';

/** A morning's work: an interrupted grant finished by a re-run, undone, redone; a revoke being undone; a sync; others' runs. */
function seedJournals(): void {
  journal({ id: G1, command: 'grant --all', changes: [[1, null, 'View']], end: { interrupted: true, notStarted: 2 } });
  journal({
    id: G1B,
    command: 'grant --all',
    changes: [
      [2, null, 'View'],
      [3, null, 'View'],
    ],
    continues: G1,
    end: { skipped: 3 },
  });
  journal({
    id: U1,
    command: `undo ${G1}`,
    changes: [
      [1, 'View', null],
      [2, 'View', null],
      [3, 'View', null],
    ],
    undoes: [G1],
  });
  journal({
    id: R1,
    command: `undo ${U1}`,
    changes: [
      [1, null, 'View'],
      [2, null, 'View'],
      [3, null, 'View'],
    ],
    undoes: [U1],
  });
  journal({ id: G2, command: 'revoke 4', changes: [[4, 'View', null]] });
  journal({ id: U2, command: `undo ${G2}`, changes: [], undoes: [G2], end: { interrupted: true, notStarted: 1 } });
  journal({
    id: S1,
    command: 'sync rules.yaml',
    users: [AQQUA, COLLEAGUE, VICTOR],
    changes: [
      [5, null, 'View', AQQUA],
      [5, null, 'Annotate', COLLEAGUE],
    ],
    end: { failed: 1 },
  });
  journal({ id: X1, command: 'grant 7', caller: COLLEAGUE, changes: [[7, null, 'View']] });
  journal({ id: O1, command: 'grant 9', server: OTHER_SERVER, changes: [[9, null, 'View']] });
}

/** A token for Olivia, as EcoTaxa signs them: history reads the user id in it, locally. */
const OLIVIA_TOKEN = new FakeEcoTaxa().tokenFor(OWNER.id);

describe('history', () => {
  it('lists this server’s runs, newest first, a job and its re-run as one line, with what undid what', async () => {
    seedJournals();
    const result = await history([], { ECOTAXA_TOKEN: OLIVIA_TOKEN });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'RUN                         STARTED (UTC)     BY              USER     COMMAND                          RESULT                NOTES',
        `${X1}  2026-11-26 15:00  Carl Colleague  AqQua    grant 7                          1 applied`,
        `${S1}  2026-11-26 14:00  you             3 users  sync rules.yaml                  2 applied, 1 failed   incomplete`,
        `${U2}  2026-11-26 13:00  you             AqQua    undo ${G2}  1 not started         incomplete`,
        `${G2}  2026-11-26 12:00  you             AqQua    revoke 4                         1 applied`,
        `${R1}  2026-11-26 11:00  you             AqQua    undo ${U1}  3 applied`,
        `${U1}  2026-11-26 10:00  you             AqQua    undo ${G1}  3 applied             undone by ${R1}`,
        `${G1}  2026-11-26 09:00  you             AqQua    grant --all                      3 applied, 3 skipped  2 runs; undone by ${U1}, then redone`,
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe(`7 runs on ${SERVER}, newest first. \`ecotaxa-access undo RUN\` undoes one.\n`);
  });

  it('--json: the documented array, newest first, every run of each group', async () => {
    seedJournals();
    const result = await history(['--json'], { ECOTAXA_TOKEN: OLIVIA_TOKEN });
    expect(result.code).toBe(0);
    const entries = JSON.parse(result.stdout) as HistoryEntry[];
    expect(entries.map((e) => e.id)).toEqual([X1, S1, U2, G2, R1, U1, G1]);
    expect(entries.at(-1)).toEqual({
      id: G1,
      startedAt: '2026-11-26T09:00:00.000Z',
      server: SERVER,
      command: 'grant --all',
      caller: { id: OWNER.id, name: OWNER.name, email: OWNER.email },
      byYou: true,
      users: [{ id: AQQUA.id, name: AQQUA.name, email: AQQUA.email }],
      counts: { applied: 3, failed: 0, skipped: 3, unconfirmed: 0, notStarted: 0 },
      complete: true,
      undoes: [],
      undoneBy: U1,
      undone: false,
      runs: [
        { id: G1, startedAt: '2026-11-26T09:00:00.000Z', journal: path.join(dir, `${G1}.jsonl`) },
        { id: G1B, startedAt: '2026-11-26T09:15:00.000Z', journal: path.join(dir, `${G1B}.jsonl`) },
      ],
    });
    expect(entries.find((e) => e.id === U1)).toMatchObject({ undoes: [G1], undoneBy: R1, undone: true });
    expect(entries.find((e) => e.id === G2)).toMatchObject({ undoneBy: null, undone: false });
    expect(entries.find((e) => e.id === X1)).toMatchObject({ byYou: false });
    expect(entries.find((e) => e.id === S1)?.users.map((u) => u.id)).toEqual([AQQUA.id, COLLEAGUE.id, VICTOR.id]);
  });

  it('marks the caller by the saved login when there is no ECOTAXA_TOKEN; names everyone when nobody is logged in', async () => {
    journal({ id: G2, command: 'revoke 4', changes: [[4, 'View', null]] });
    const credentials = path.join(home.env.XDG_CONFIG_HOME as string, 'ecotaxa-access', 'credentials.json');
    const nobody = await history(['--json']);
    expect((JSON.parse(nobody.stdout) as HistoryEntry[])[0]?.byYou).toBeNull();
    expect((await history([])).stdout).toContain(`${G2}  2026-11-26 12:00  Olivia Owner  AqQua`);

    fs.mkdirSync(path.dirname(credentials), { recursive: true });
    fs.writeFileSync(
      credentials,
      JSON.stringify({
        version: 1,
        servers: {
          [SERVER]: { token: OLIVIA_TOKEN, userId: OWNER.id, email: OWNER.email, savedAt: '2026-11-26T08:00:00Z' },
        },
      }),
    );
    expect((JSON.parse((await history(['--json'])).stdout) as HistoryEntry[])[0]?.byYou).toBe(true);
  });

  it('--all-servers adds the other servers’ runs and a SERVER column', async () => {
    journal({ id: G2, command: 'revoke 4', changes: [[4, 'View', null]] });
    journal({ id: O1, command: 'grant 9', server: OTHER_SERVER, changes: [[9, null, 'View']] });
    const result = await history(['--all-servers'], { ECOTAXA_TOKEN: OLIVIA_TOKEN });
    expect(result.stdout).toBe(
      [
        'RUN                         STARTED (UTC)     SERVER                           BY            USER   COMMAND   RESULT',
        `${O1}  2026-11-26 16:00  ${OTHER_SERVER}  Olivia Owner  AqQua  grant 9   1 applied`,
        `${G2}  2026-11-26 12:00  ${SERVER}  you           AqQua  revoke 4  1 applied`,
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe('2 runs on any server, newest first. `ecotaxa-access undo RUN` undoes one.\n');
  });

  it('--url picks the server; with none of its runs it says so, and where the others are', async () => {
    journal({ id: O1, command: 'grant 9', server: OTHER_SERVER, changes: [[9, null, 'View']] });
    const here = await history([]);
    expect(here.code).toBe(0);
    expect(here.stdout).toBe('');
    expect(here.stderr).toBe(`No runs on ${SERVER} in ${dir} (\`--all-servers\` shows the other servers’).\n`);
    const there = await history(['--url', OTHER_SERVER, '--ids']);
    expect(there.stdout).toBe(`${O1}\n`);
    expect((await history(['--json'])).stdout).toBe('[]\n');
  });

  it('lists a damaged journal on stderr and the others as usual', async () => {
    journal({ id: G2, command: 'revoke 4', changes: [[4, 'View', null]] });
    fs.writeFileSync(path.join(dir, '20261126T170000000Z-444444.jsonl'), '{"type":"run"\n');
    const result = await history(['--ids']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${G2}\n`);
    expect(result.stderr).toBe(
      `warning: the journal ${path.join(dir, '20261126T170000000Z-444444.jsonl')} is damaged at line 1; it is not listed\n`,
    );
  });

  it('--ids: one group id per line, newest first, for shell completion', async () => {
    seedJournals();
    const result = await history(['--ids']);
    expect(result.stdout).toBe(`${[X1, S1, U2, G2, R1, U1, G1].join('\n')}\n`);
    expect(result.stderr).toBe('');
  });
});
