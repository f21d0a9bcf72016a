import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptedFaults } from '../support/faults.js';
import { AQQUA, COLLEAGUE, INACTIVE, OWNER } from '../support/people.js';
import { KIND, V } from '../support/seed.js';
import { type JournalLine, useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';
import { worldDiff } from '../support/world-diff.js';

/*
 * grant, revoke, plan, apply and undo against the stateful fake: the server's state after
 * each command must differ from before exactly where the plan said, and nowhere else.
 */

const { server, home, env, cli, journals } = useFakeEcoTaxa();

/** The projects Olivia manages where AqQua has no right and an update is possible. */
const GRANTABLE = [1, 2, 3, 5, 7, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 26, 27, 28, 29, 30, 31, 32];

/** The change lines of a journal: what landed. */
const journalChanges = (file: string): JournalLine[] => journals.lines(file).filter((l) => l.type === 'change');

describe('grant --all', () => {
  it('adds View for AqQua exactly where the plan said, and changes nothing else', async () => {
    const before = server.fake.snapshot();
    const plan = await cli(['plan', 'grant', '--all', '--json']);
    expect(plan.code).toBe(0);
    const doc = JSON.parse(plan.stdout) as { projects: { projid: number; action: string }[]; summary: object };
    const planned = doc.projects.filter((p) => p.action === 'change').map((p) => p.projid);
    expect(planned).toEqual(GRANTABLE);
    expect(doc.summary).toEqual({ change: 23, unchanged: 6, skip: 3 });

    const result = await cli(['grant', '--all', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Plan: 23 to grant, 6 unchanged, 3 skipped.');
    expect(result.stdout).toContain('Done: 23 granted, 0 failed, 3 skipped, 6 already done.');

    const expected = GRANTABLE.map((id) => `${id}: user ${AQQUA.id} none→View`);
    // API-NOTES: any update drops the rights of inactive accounts (invisible to reads).
    expected.splice(2, 0, `2: user ${INACTIVE.id} View→none`);
    expect(worldDiff(before, server.fake.snapshot())).toEqual(expected);
    // Changing cnn_network_id would delete CNN features: it must round-trip untouched.
    expect(server.fake.cnnFeaturesDeleted).toBe(0);
  });

  it('says "No changes." the second time, and writes nothing', async () => {
    expect((await cli(['grant', '--all', '--yes'])).code).toBe(0);
    const after = server.fake.snapshot();
    const again = await cli(['grant', '--all', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes. 29 unchanged, 3 skipped.');
    expect(again.stdout).toContain(
      '  = 29 projects unchanged (AqQua already has View or higher); --show-unchanged lists them',
    );
    expect(worldDiff(after, server.fake.snapshot())).toEqual([]);
    expect(server.fake.log.filter((r) => r.method === 'PUT')).toHaveLength(23);
  });

  it('plans in a handful of requests and writes with one read and one PUT per change', async () => {
    await cli(['grant', '--all', '--yes']);
    const count = (method: string, pattern: RegExp, query?: RegExp): number =>
      server.fake.log.filter(
        (r) => r.method === method && pattern.test(r.path) && (query === undefined || query.test(r.query)),
      ).length;
    expect(count('GET', /^\/projects\/search$/)).toBe(1);
    // One fresh read per write, by a list call: GET /projects/{id} would add every project to
    // the owner's "recently used" list (API-NOTES).
    expect(count('GET', /^\/projects$/, /^project_ids=\d+$/)).toBe(23);
    expect(count('GET', /^\/projects\/\d+$/)).toBe(0);
    expect(server.fake.recentlyUsed).toEqual([]);
    expect(count('PUT', /^\/projects\/\d+$/)).toBe(23);
    // And one read-back for all 23.
    expect(count('GET', /^\/projects$/, /project_ids=\d+%2C/)).toBe(1);
  });

  it('journals every landed change (fsync per line) for undo', async () => {
    await cli(['grant', '--all', '--yes']);
    const files = journals.files();
    expect(files).toHaveLength(1);
    const changes = journalChanges(files[0] as string);
    expect(changes.map((c) => c.projid)).toEqual(expect.arrayContaining(GRANTABLE));
    expect(changes).toHaveLength(23);
    expect(changes.every((c) => c.before === null && c.after === 'View')).toBe(true);
  });
});

describe('undo', () => {
  it('restores the previous privileges exactly', async () => {
    const before = server.fake.snapshot();
    await cli(['grant', '--all', '--yes']);
    const undo = await cli(['undo', '--yes']);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toContain('Plan: 23 to restore, 0 unchanged, 0 skipped.');
    expect(undo.stdout).toContain('Done: 23 restored, 0 failed.');
    // Only the inactive viewer's right, which no client can see or put back, stays lost.
    expect(worldDiff(before, server.fake.snapshot())).toEqual([`2: user ${INACTIVE.id} View→none`]);
  });

  it('undoes the latest run not yet undone, and leaves projects changed since alone', async () => {
    await cli(['grant', '1', '3', '--yes']);
    await cli(['revoke', '4', '--yes']);
    // Someone else takes AqQua off project 3 in the meantime.
    const p3 = server.fake.projects.get(3);
    if (p3 === undefined) throw new Error('seed');
    p3.privileges = p3.privileges.filter((r) => r.member !== AQQUA.id);

    const undoRevoke = await cli(['undo', '--yes']);
    expect(undoRevoke.stdout).toContain('none → View');
    expect(server.fake.privilegeOf(4, AQQUA.id)).toBe('View');

    const undoGrant = await cli(['undo', '--yes']);
    expect(undoGrant.code).toBe(0);
    expect(undoGrant.stdout).toContain(
      '  = 1 project unchanged (already back to the right before that run); --show-unchanged lists them',
    );
    expect(undoGrant.stdout).toContain('Done: 1 restored, 0 failed, 1 already done.');
    expect(server.fake.privilegeOf(1, AQQUA.id)).toBeNull();

    const nothing = await cli(['undo', '--yes']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('no run to undo');
  });

  it('resumes an undo that did not finish, instead of undoing an older run', async () => {
    await cli(['grant', '15', '--user', COLLEAGUE.email, '--yes']);
    await cli(['grant', '1', '3', '--yes']);
    server.setFaults(
      scriptedFaults({
        'PUT /projects/3': () => ({ kind: 'answer', status: 403, body: { detail: "You can't do this." } }),
      }),
    );
    const partial = await cli(['undo', '--yes']);
    expect(partial.code).toBe(1);
    expect(partial.stdout).toContain('Done: 1 restored, 1 failed.');
    expect(partial.stdout).toContain('Next: run the same command again to retry the one that failed');
    server.setFaults(undefined);

    const resumed = await cli(['undo', '--yes', '--show-unchanged']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/= +1 .*unchanged: already back to none/);
    expect(resumed.stdout).toContain('Done: 1 restored, 0 failed, 1 already done.');
    expect(server.fake.privilegeOf(3, AQQUA.id)).toBeNull();
    // The older run, by someone else's hand in the plan, is left alone.
    expect(server.fake.privilegeOf(15, COLLEAGUE.id)).toBe('View');
  });

  it('covers writes whose outcome a run never learned (a crash between PUT and journal)', async () => {
    await cli(['grant', '1', '--yes']);
    // As if the process had died after sending a PUT for project 3 that landed: an intent, no change line.
    const file = journals.files()[0] as string;
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    const run = JSON.parse(lines[0] as string) as { runId: string };
    fs.writeFileSync(
      file,
      `${[lines[0], JSON.stringify({ type: 'intent', runId: run.runId, time: '2026-11-26T00:00:00.000Z', projid: 3, title: 'Boknis Eck time series - UVP6', before: null, after: 'View' }), ...lines.slice(1, -1)].join('\n')}\n`,
    );
    server.fake.projects.get(3)?.privileges.push(V(AQQUA.id));
    const undo = await cli(['undo', '--yes']);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toContain('Done: 2 restored, 0 failed.');
    expect(server.fake.privilegeOf(1, AQQUA.id)).toBeNull();
    expect(server.fake.privilegeOf(3, AQQUA.id)).toBeNull();
  });

  it('--dry-run shows the inverse plan without writing', async () => {
    await cli(['grant', '1', '--yes']);
    const snapshot = server.fake.snapshot();
    const dry = await cli(['undo', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('View → none');
    expect(worldDiff(snapshot, server.fake.snapshot())).toEqual([]);
  });
});

describe('a token about to expire', () => {
  it('warns that a long run may be cut short, and goes on', async () => {
    const almostExpired = server.fake.tokenFor(OWNER.id, new Date(Date.now() - (31 * 86_400 - 1_200) * 1000));
    const result = await cli(['plan', 'grant', '1'], { env: { ...env, ECOTAXA_TOKEN: almostExpired } });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^warning: your EcoTaxa token expires at .* UTC: a long run may be cut short; log in again first\n$/,
    );
  });
});

describe('revoke', () => {
  it('removes only View by default and reports higher rights', async () => {
    const before = server.fake.snapshot();
    const result = await cli(['revoke', '--all', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '  = 29 projects unchanged (26: AqQua has no right there; 3: AqQua has a right other than View, which --any-right removes); --show-unchanged lists them',
    );
    const listed = await cli(['plan', 'revoke', '--all', '--show-unchanged']);
    expect(listed.stdout).toMatch(/= +6 .*unchanged: has Annotate, not View \(--any-right would remove it\)/);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([
      `4: user ${AQQUA.id} View→none`,
      `20: user ${AQQUA.id} View→none`,
      `25: user ${AQQUA.id} View→none`,
    ]);
  });

  it('--any-right removes Annotate and Manage, but never the contact or the last manager', async () => {
    const before = server.fake.snapshot();
    const result = await cli(['revoke', '6', '11', '12', '--any-right', '--yes']);
    // 12 was named but cannot be changed: the others are done, and the run says so.
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/12 .*skipped: AqQua is the project's contact/);
    expect(result.stderr).toContain(
      "error: project 12 (Atlantic Meridional Transect AMT28): skipped: AqQua is the project's contact, who must stay a manager: choose another contact in the web UI first\n",
    );
    expect(worldDiff(before, server.fake.snapshot())).toEqual([
      `6: user ${AQQUA.id} Annotate→none`,
      `11: user ${AQQUA.id} Manage→none`,
    ]);
  });
});

describe('selection and planning', () => {
  it('reports ids that are missing, not visible, or not managed, and never writes them', async () => {
    const before = server.fake.snapshot();
    const result = await cli(['grant', '1', String(KIND.ownerViewer), String(KIND.othersPrivate), '99999', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/33 .*skipped: you are not a manager of this project \(you have View\)/);
    expect(result.stdout).toMatch(/35 +skipped: not found, or you have no right on it/);
    expect(result.stdout).toMatch(/99999 +skipped: not found, or you have no right on it/);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([`1: user ${AQQUA.id} none→View`]);
  });

  it('skips legacy projects EcoTaxa would refuse, naming what to fix', async () => {
    const result = await cli(['plan', 'grant', '8', '9', '10']);
    expect(result.stdout).toMatch(
      /8 .*skipped: EcoTaxa refuses to update this legacy project: its contact Carl Colleague is not a manager/,
    );
    expect(result.stdout).toMatch(/9 .*skipped: EcoTaxa refuses to update a project without a valid contact/);
    expect(result.stdout).toMatch(/10 .*skipped: EcoTaxa refuses to update a project without a valid contact/);
    expect(result.stdout).toContain('No changes. 0 unchanged, 3 skipped.');
  });

  it('upgrades View to Annotate by moving the user between lists, never into two', async () => {
    const before = server.fake.snapshot();
    const result = await cli(['grant', '4', '--right', 'annotate', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/~ +4 .*View → Annotate/);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([`4: user ${AQQUA.id} View→Annotate`]);
  });

  it('resolves --user by id, exact name or email, and shows who in the header', async () => {
    for (const user of [String(COLLEAGUE.id), COLLEAGUE.name, COLLEAGUE.email]) {
      const result = await cli(['plan', 'grant', '15', '--user', user]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`User:    Carl Colleague <colleague@example.org> (#${COLLEAGUE.id})`);
    }
  });

  it('refuses an inactive account as grantee: its right would be invisible and dropped', async () => {
    const result = await cli(['grant', '1', '--user', String(INACTIVE.id), '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: --user "14": Ina Inactive <ina.inactive@example.org> (#14) has an inactive account: EcoTaxa does not show its rights and drops them at the next update of each project\n`,
    );
    expect(server.fake.log.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('--title, --instrument, --ids-from and --exclude select as documented', async () => {
    const csv = path.join(home.home, 'mine.csv');
    fs.writeFileSync(csv, 'projid,title\n1,"Kiel Fjord zooplankton 2019"\n3,x\n5,y\n');
    const result = await cli(['plan', 'grant', '--ids-from', csv, '--exclude', '3', '--json']);
    const ids = (JSON.parse(result.stdout) as { projects: { projid: number }[] }).projects.map((p) => p.projid);
    expect(ids).toEqual([1, 5]);
    const byTitle = await cli(['plan', 'grant', '--title', 'kiel bight', '--json']);
    expect((JSON.parse(byTitle.stdout) as { projects: { projid: number }[] }).projects.map((p) => p.projid)).toEqual([
      30, 31,
    ]);
    const byInstrument = await cli(['plan', 'grant', '--instrument', 'ifcb', '--json']);
    expect(
      (JSON.parse(byInstrument.stdout) as { projects: { projid: number }[] }).projects.map((p) => p.projid),
    ).toEqual([16, 17, 18]);
  });

  it('--detailed-exitcode: 2 with changes pending, 0 with none', async () => {
    expect((await cli(['plan', 'grant', '1', '--detailed-exitcode'])).code).toBe(2);
    expect((await cli(['grant', '1', '--dry-run', '--detailed-exitcode'])).code).toBe(2);
    await cli(['grant', '1', '--yes']);
    expect((await cli(['plan', 'grant', '1', '--detailed-exitcode'])).code).toBe(0);
  });

  it('--dry-run never writes', async () => {
    const before = server.fake.snapshot();
    const result = await cli(['grant', '--all', '--dry-run']);
    expect(result.code).toBe(0);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
    expect(server.fake.log.some((r) => r.method === 'PUT')).toBe(false);
  });
});

describe('confirmation', () => {
  it('asks on a terminal and accepts only y or yes', async () => {
    const before = server.fake.snapshot();
    const no = await cli(['grant', '1'], { tty: true, stdin: 'sure\n' });
    expect(no.code).toBe(1);
    expect(no.stderr).toContain('Only "yes" or "y" is accepted');
    expect(no.stderr).toContain('cancelled: nothing was changed');
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);

    const yes = await cli(['grant', '1'], { tty: true, stdin: 'yes\n' });
    expect(yes.code).toBe(0);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([`1: user ${AQQUA.id} none→View`]);
  });

  it('with --json, a refusal at the prompt is a JSON error', async () => {
    const result = await cli(['grant', '1', '--json'], { tty: true, stdin: 'n\n' });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'cancelled', type: 'UserError', message: 'cancelled: nothing was changed', exitCode: 1 },
    });
    expect(server.fake.log.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('refuses to write without a terminal unless --yes', async () => {
    const before = server.fake.snapshot();
    const result = await cli(['grant', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('without confirmation');
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });

  it.each([
    ['stdin is a pipe', { tty: { stdin: false, stderr: true } }, 'stdin is not a terminal'],
    [
      'stderr is redirected, as by `2>&1 | tail`',
      { tty: { stdin: true, stderr: false } },
      'stderr (where the question is asked) is not a terminal',
    ],
    ['neither is a terminal', {}, 'neither stdin nor stderr is a terminal'],
    ['a terminal, in CI', { tty: true, env: { CI: 'true' } }, 'CI is set'],
    ['neither, in CI', { env: { CI: 'true' } }, 'neither stdin nor stderr is a terminal, and CI is set'],
  ] as const)('without a question to ask (%s), says what is missing and to add --yes', async (_name, options, why) => {
    const run = await cli(['grant', '1'], { ...options, env: { ...env, ...('env' in options ? options.env : {}) } });
    expect(run.code).toBe(1);
    // (After the spinner of the project read, when stderr is a terminal.)
    // eslint-disable-next-line no-control-regex
    expect(run.stderr).toMatch(/(^|\u001b\[\?25h)error: refusing/);
    expect(run.stderr.split('error: ')[1]).toBe(
      `refusing to change 1 project without confirmation: ${why}, so the question cannot be asked; add --yes to apply without asking (or --dry-run to only see the plan)\n`,
    );
  });
});

describe('skipped projects', () => {
  const LEGACY = 'project 8 (Bornholm Basin larval fish (legacy contact)): skipped: EcoTaxa refuses';

  it('are listed once on a terminal: in the plan, not again on stderr (with --json too)', async () => {
    const asked = await cli(['grant', '--all', '--json'], { tty: true, columns: 160, stdin: 'yes\n' });
    expect(asked.code).toBe(0);
    // The plan, on stderr before the question, lists each skipped project with its reason...
    expect(asked.stderr.match(/^ {2}! +8 {2}Bornholm Basin/gm)).toHaveLength(1);
    // ...and nothing lists them again after the run; the JSON document has every reason.
    expect(asked.stderr).not.toContain(LEGACY);
    const planned = await cli(['plan', 'grant', '--all', '--json'], { columns: 160 });
    expect(planned.code).toBe(0);
    expect(planned.stderr).toBe('');
  });

  it('are listed on stderr, one line each, when stdout is not the terminal', async () => {
    const piped = await cli(['plan', 'grant', '--all'], { tty: true });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain('  !   8  Bornholm Basin');
    expect(piped.stderr).toContain(LEGACY);
    const json = await cli(['plan', 'grant', '--all', '--json']);
    expect(json.stderr).toContain(LEGACY);
  });
});

describe('saved plans', () => {
  it('apply FILE carries out the saved plan', async () => {
    const file = path.join(home.home, 'grant.plan.json');
    const plan = await cli(['plan', 'grant', '1', '3', '--out', file]);
    expect(plan.code).toBe(0);
    expect(plan.stderr).toContain(`Saved the plan to ${file}`);
    const before = server.fake.snapshot();
    const applied = await cli(['apply', file, '--yes']);
    expect(applied.code).toBe(0);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([
      `1: user ${AQQUA.id} none→View`,
      `3: user ${AQQUA.id} none→View`,
    ]);
  });

  it('shows drift since the plan and decides again on what the server says now', async () => {
    const file = path.join(home.home, 'grant.plan.json');
    await cli(['plan', 'grant', '1', '3', '15', '--out', file]);
    // After the plan: someone else gives AqQua View on 1, and a colleague joins 3.
    server.fake.projects.get(1)?.privileges.push(V(AQQUA.id));
    server.fake.projects.get(3)?.privileges.push(V(12));
    const before = server.fake.snapshot();
    const applied = await cli(['apply', file, '--yes']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Changed since the plan (2):');
    expect(applied.stdout).toMatch(/1 Kiel Fjord zooplankton 2019: AqQua now has View \(none in the plan\)/);
    expect(applied.stdout).toMatch(/3 Boknis Eck time series - UVP6: other rights or the contact changed/);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([
      `3: user ${AQQUA.id} none→View`,
      `15: user ${AQQUA.id} none→View`,
    ]);
  });

  it('refuses a plan whose user has become inactive', async () => {
    const file = path.join(home.home, 'grant.plan.json');
    await cli(['plan', 'grant', '1', '--user', COLLEAGUE.email, '--out', file]);
    const colleague = server.fake.users.get(COLLEAGUE.id);
    if (colleague !== undefined) colleague.status = 0;
    const result = await cli(['apply', file, '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: the plan's user Carl Colleague <colleague@example.org> \(#11\) has an inactive account now/,
    );
    expect(server.fake.log.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('--strict skips projects that drifted', async () => {
    const file = path.join(home.home, 'grant.plan.json');
    await cli(['plan', 'grant', '3', '15', '--out', file]);
    server.fake.projects.get(3)?.privileges.push(V(12));
    const before = server.fake.snapshot();
    const applied = await cli(['apply', file, '--yes', '--strict']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/3 .*skipped: changed since the plan \(--strict\)/);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([`15: user ${AQQUA.id} none→View`]);
  });
});

describe('the write phase, which the binary’s first Ctrl-C reads', () => {
  it('is on while writes are under way, and off before and after', async () => {
    const writePhase = { active: false };
    const seen: boolean[] = [];
    server.fake.onUpdate = () => {
      seen.push(writePhase.active);
    };
    const planned = await cli(['grant', '1', '3', '--dry-run'], { writePhase });
    expect(planned.code).toBe(0);
    expect(writePhase.active).toBe(false);
    const result = await cli(['grant', '1', '3', '--yes'], { writePhase });
    expect(result.code).toBe(0);
    expect(seen).toEqual([true, true]);
    expect(writePhase.active).toBe(false);
  });
});

describe('fresh state at write time', () => {
  // One write at a time: a fixed 1, or auto bounded by --max-concurrency 1.
  it.each([
    ['--concurrency', '1'],
    ['--max-concurrency', '1'],
  ])('re-decides a project that changed between the plan and its write (%s %s)', async (...oneAtATime) => {
    // While project 1 is written, someone gives AqQua Manage on project 3 (written later).
    server.fake.onUpdate = (projid) => {
      if (projid === 1) {
        const p3 = server.fake.projects.get(3);
        p3?.privileges.push({ member: AQQUA.id, privilege: 'Manage', contact: false });
      }
    };
    const result = await cli(['grant', '1', '3', '--yes', ...oneAtATime]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /3 .*unchanged: already has Manage.*\[changed since the plan: AqQua now has Manage \(none in the plan\)\]/,
    );
    expect(server.fake.privilegeOf(3, AQQUA.id)).toBe('Manage');
  });

  it('reads again when a read-back still shows the old state (replica lag)', async () => {
    server.fake.replicaLagReads = 1;
    const sleeps: number[] = [];
    const result = await cli(['grant', '1', '3', '--yes'], { sleeps });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Done: 2 granted, 0 failed.');
    expect(sleeps).toContain(1000);
  });
});
