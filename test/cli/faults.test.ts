import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { randomFaults, scriptedFaults } from '../support/faults.js';
import { AQQUA } from '../support/people.js';
import { seedScale } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';
import { worldDiff } from '../support/world-diff.js';

/*
 * Calm under faults: injected per project and at random (seeded, so deterministic), with
 * the whole server state compared before and after, and the journal against the server.
 */

const { server, home, env, journals, start } = useFakeEcoTaxa();

interface JournalLine {
  type: string;
  projid: number;
  before: string | null;
  after: string | null;
  interrupted?: boolean;
}

const granted = (projid: number): string => `${projid}: user ${AQQUA.id} none→View`;

describe('a server asking to wait longer than a minute (Retry-After)', () => {
  it('fails the projects it refused at once, sends them nothing more, and applies the rest', async () => {
    const sleeps: number[] = [];
    server.setFaults(
      scriptedFaults({
        'PUT /projects/3': () => ({ kind: 'rate-limit', retryAfter: '600' }),
        'GET /projects': (nth) => (nth === 2 ? { kind: 'rate-limit', retryAfter: '600' } : undefined),
      }),
    );
    const before = server.fake.snapshot();
    const result = await runCli(['grant', '1', '3', '5', '--yes', '--concurrency', '1'], { env, sleeps });
    expect(result.code).toBe(1);
    // Nothing waits the ten minutes, nor a capped minute: a 429 wrote nothing, the same command later does the rest.
    expect(sleeps.filter((ms) => ms >= 60_000)).toEqual([]);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('error: project '))).toEqual([
      `error: project 1 (Kiel Fjord zooplankton 2019): failed: EcoTaxa at ${server.url} is rate-limiting GET /projects?project_ids=1 (it asks to wait 600 s): try again later`,
      `error: project 3 (Boknis Eck time series - UVP6): failed: EcoTaxa at ${server.url} is rate-limiting PUT /projects/3 (it asks to wait 600 s): try again later`,
    ]);
    expect(result.stdout).toContain('\nDone: 1 granted, 2 failed.\n');
    expect(server.requests.filter((r) => r.method === 'PUT' && r.path === '/projects/3')).toHaveLength(1);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([granted(5)]);
  });
});

describe('failures on single projects', () => {
  it('leave the others applied, and the summary names each failure with its reason', async () => {
    server.setFaults(
      scriptedFaults({
        'PUT /projects/1': () => ({ kind: 'answer', status: 403, body: { detail: "You can't do this." } }),
        'PUT /projects/3': () => ({
          kind: 'answer',
          status: 422,
          body: { detail: 'Could not set Contact, the designated user is not in Managers list.' },
        }),
        'PUT /projects/5': () => ({ kind: 'status', status: 500 }),
        'PUT /projects/7': (nth) => (nth === 1 ? { kind: 'hang' } : undefined),
        'PUT /projects/13': (nth) => (nth === 1 ? { kind: 'commit-then', status: 502 } : undefined),
      }),
    );
    const before = server.fake.snapshot();
    const result = await runCli(['grant', '1', '3', '5', '7', '13', '14', '--yes', '--timeout', '1'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ +1 .*failed: EcoTaxa refused: you are not allowed to change this project \(403\)/);
    expect(result.stdout).toMatch(
      /✗ +3 .*failed: EcoTaxa refused the update: Could not set Contact, the designated user is not in Managers list\./,
    );
    expect(result.stdout).toMatch(
      /✗ +5 .*failed: EcoTaxa failed on PUT \/projects\/5 with an internal error \(500: RuntimeError: injected fault\).*\(after 10 attempts\); a re-read shows the change did not land: run the same command again/,
    );
    // Only what needs attention is listed after the run; the counts cover everything.
    expect(result.stdout).not.toMatch(/✓/);
    expect(result.stdout).toContain(
      '\nDone: 3 granted, 3 failed.\nNext: run the same command again to retry the 3 that failed: it reads each project again and changes only what is left.\n',
    );
    // Each failure on stderr too, one line each.
    expect(result.stderr.split('\n').filter((l) => l.startsWith('error: project '))).toEqual([
      'error: project 1 (Kiel Fjord zooplankton 2019): failed: EcoTaxa refused: you are not allowed to change this project (403)',
      'error: project 3 (Boknis Eck time series - UVP6): failed: EcoTaxa refused the update: Could not set Contact, the designated user is not in Managers list.',
      expect.stringMatching(
        /^error: project 5 \(Gotland Basin deep chlorophyll maximum\): failed: EcoTaxa failed on PUT \/projects\/5 with an internal error/,
      ),
    ]);

    expect(worldDiff(before, server.fake.snapshot())).toEqual([granted(7), granted(13), granted(14)]);
    // The PUT that committed behind a 502 was not sent again: a fresh read showed it landed.
    expect(server.requests.filter((r) => r.method === 'PUT' && r.path === '/projects/13')).toHaveLength(1);
    // Definitive refusals (403, 422) are never retried.
    expect(server.requests.filter((r) => r.method === 'PUT' && r.path === '/projects/1')).toHaveLength(1);
    expect(server.requests.filter((r) => r.method === 'PUT' && r.path === '/projects/3')).toHaveLength(1);
    // A 500 that keeps coming is retried within the project's time budget (a minute, replica
    // waits included), each time only after a re-read showed the last write had not landed.
    expect(server.requests.filter((r) => r.method === 'PUT' && r.path === '/projects/5')).toHaveLength(10);
    // Before each write again, re-reads (with replica waits) showed the last one had not landed.
    const reads5 = server.fake.log.filter((r) => r.path === '/projects' && r.query === 'project_ids=5');
    expect(reads5.length).toBeGreaterThanOrEqual(1 + 9 * 4);
    const changes = journals.lines<JournalLine>().filter((l) => l.type === 'change');
    expect(changes.map((c) => c.projid).sort((a, b) => a - b)).toEqual([7, 13, 14]);
  });

  it('honours Retry-After on a 429', async () => {
    server.setFaults(
      scriptedFaults({ 'GET /users/me': (nth) => (nth === 1 ? { kind: 'rate-limit', retryAfter: '2' } : undefined) }),
    );
    const sleeps: number[] = [];
    const result = await runCli(['plan', 'grant', '1'], { env, sleeps });
    expect(result.code).toBe(0);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2000);
  });
});

describe('a write whose answer was lost', () => {
  it('is not sent again while a lagging replica still shows the old state', async () => {
    // The PUT commits but a proxy answers 504; a colleague then adds a viewer; reads lag twice.
    server.fake.replicaLagReads = 2;
    server.setFaults(
      scriptedFaults({ 'PUT /projects/1': (nth) => (nth === 1 ? { kind: 'commit-then', status: 504 } : undefined) }),
    );
    server.fake.onUpdate = () => {
      server.fake.onUpdate = undefined;
      server.fake.projects.get(1)?.privileges.push({ member: 12, privilege: 'View', contact: false });
    };
    const before = server.fake.snapshot();
    const sleeps: number[] = [];
    const result = await runCli(['grant', '1', '--yes', '--json'], { env, sleeps });
    expect(result.code).toBe(0);
    const [applied] = (JSON.parse(result.stdout) as { results: { outcome: string; reason: string }[] }).results;
    expect(applied?.outcome).toBe('applied');
    expect(applied?.reason).toMatch(/^landed although EcoTaxa's answer was lost/);
    // Sent once; the colleague's viewer survives.
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([granted(1), '1: user 12 none→View']);
    // It re-read for longer than EcoTaxa's replica catch-up (about 2 s) before deciding.
    expect(sleeps.filter((ms) => ms === 1000).length).toBeGreaterThanOrEqual(2);
    const changes = journals.lines<JournalLine>().filter((l) => l.type === 'change');
    expect(changes.map((c) => c.projid)).toEqual([1]);
  });

  it('with --strict, skips the project if someone changed it meanwhile', async () => {
    // The first PUT fails before landing (503); meanwhile a colleague changes the project.
    server.setFaults(
      scriptedFaults({
        'PUT /projects/1': (nth) => {
          if (nth !== 1) return undefined;
          server.fake.projects.get(1)?.privileges.push({ member: 12, privilege: 'View', contact: false });
          return { kind: 'status', status: 503 };
        },
      }),
    );
    const before = server.fake.snapshot();
    const result = await runCli(['grant', '1', '--yes', '--strict'], { env });
    expect(result.stdout).toMatch(
      /! +1 .*skipped: changed since the plan \(--strict\).*\[changed since the plan: other rights or the contact changed\]/,
    );
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    // Only the colleague's change: AqQua was not added over it.
    expect(worldDiff(before, server.fake.snapshot())).toEqual(['1: user 12 none→View']);
  });
});

describe('conditions that stop every write', () => {
  it('a token EcoTaxa stops accepting mid-run: no further write starts, exit 1', async () => {
    server.setFaults(
      scriptedFaults({
        'PUT /projects/3': () => ({ kind: 'answer', status: 401, body: { detail: 'Could not validate credentials' } }),
      }),
    );
    const before = server.fake.snapshot();
    const result = await runCli(['grant', '1', '3', '5', '7', '--yes', '--concurrency', '1'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ +3 .*rejected your token/);
    expect(result.stdout).toContain(
      [
        '  · 2 changes not started: the run stopped before their turn',
        '',
        'Stopped: 1 granted, 1 failed, 2 not started.',
        'Next: run the same command again to retry the one that failed and do the 2 not started: it reads each project again and changes only what is left.',
      ].join('\n'),
    );
    expect(result.stderr).toContain('error: stopped before the end: EcoTaxa at');
    expect(worldDiff(before, server.fake.snapshot())).toEqual([granted(1)]);
    const changes = journals.lines<JournalLine>().filter((l) => l.type === 'change');
    expect(changes.map((c) => c.projid)).toEqual([1]);
  });

  it('a journal that cannot be written: nothing is changed', async () => {
    const notADirectory = `${home.home}/state-is-a-file`;
    fs.writeFileSync(notADirectory, '');
    const before = server.fake.snapshot();
    const result = await runCli(['grant', '--all', '--yes'], { env: { ...env, XDG_STATE_HOME: notADirectory } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: cannot write the journal in .*state-is-a-file\/ecotaxa-access\/journal \(ENOTDIR\): nothing was changed/,
    );
    expect(server.requests.some((r) => r.method === 'PUT')).toBe(false);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });
});

describe('a 200-project grant --all under a heavy mix of transient faults', () => {
  it('ends with every project applied or reported, nothing else changed, the journal matching the server', async () => {
    await start(seedScale(200));
    const planned = [...server.fake.projects.values()]
      .filter((p) => !p.privileges.some((r) => r.member === AQQUA.id))
      .map((p) => p.projid)
      .sort((a, b) => a - b);
    const before = server.fake.snapshot();
    server.setFaults(randomFaults({ seed: 20261126, rate: 0.25, hangRate: 0.01 }));

    const first = await runCli(['grant', '--all', '--yes', '--timeout', '0.3'], { env });
    // The mix really was heavy: about a quarter of all requests failed, of every kind.
    const faulted = server.requests.filter((r) => r.fault !== undefined && r.fault !== 'delay');
    expect(faulted.length / server.requests.length).toBeGreaterThan(0.2);
    for (const kind of ['status', 'rate-limit', 'reset', 'commit-then', 'hang'] as const) {
      expect(faulted.some((r) => r.fault === kind)).toBe(true);
    }
    const after = server.fake.snapshot();
    const diff = worldDiff(before, after);
    // Only AqQua's View was added, and only on planned projects.
    expect(diff.every((line) => /^\d+: user 10 none→View$/.test(line))).toBe(true);
    const changed = diff.map((l) => Number.parseInt(l, 10));
    expect(changed.every((id) => planned.includes(id))).toBe(true);

    // The journal says exactly what the server shows, once per project.
    const journaled = journals
      .lines<JournalLine>()
      .filter((l) => l.type === 'change')
      .map((l) => l.projid)
      .sort((a, b) => a - b);
    expect(journaled).toEqual(changed);

    // Retries with backoff absorb a 25% transient failure rate: this run completes.
    expect(first.stdout).toContain(`Done: ${planned.length} granted, 0 failed, ${200 - planned.length} already done.`);
    expect(first.code).toBe(0);
    expect(changed).toEqual(planned);

    server.setFaults(undefined);
    const again = await runCli(['grant', '--all', '--yes'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes.');
  });

  it('when some projects fail for good, a second run completes the remainder', async () => {
    await start(seedScale(60));
    const before = server.fake.snapshot();
    // Every write fails for the first run (a server that answers 503 to every PUT).
    server.setFaults((req) =>
      req.method === 'PUT' && Number(req.path.split('/').pop()) % 2 === 0 ? { kind: 'status', status: 503 } : undefined,
    );
    const first = await runCli(['grant', '--all', '--yes'], { env });
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(
      /Done: \d+ granted, \d+ failed, 6 already done\.\nNext: run the same command again to retry the \d+ that failed/,
    );
    server.setFaults(undefined);
    const second = await runCli(['grant', '--all', '--yes'], { env });
    expect(second.code).toBe(0);
    const third = await runCli(['plan', 'grant', '--all'], { env });
    expect(third.stdout).toContain('No changes.');
    expect(worldDiff(before, server.fake.snapshot()).every((l) => /^\d+: user 10 none→View$/.test(l))).toBe(true);
  });
});

describe('Ctrl-C during writes', () => {
  it('stops starting requests, finishes those under way, flushes the journal, exits 130', async () => {
    await start(seedScale(40));
    const before = server.fake.snapshot();
    const controller = new AbortController();
    let puts = 0;
    server.fake.onUpdate = () => {
      if (++puts === 10) controller.abort();
    };
    const result = await runCli(['grant', '--all', '--yes'], { env, interrupt: controller.signal });
    expect(result.code).toBe(130);
    expect(result.stdout).toMatch(
      /Interrupted: \d+ granted, 0 failed, \d+ not started, 4 already done\.\nNext: run the same command again to do the \d+ not started/,
    );

    const lines = journals.lines<JournalLine>();
    const journaled = lines
      .filter((l) => l.type === 'change')
      .map((l) => l.projid)
      .sort((a, b) => a - b);
    const changed = worldDiff(before, server.fake.snapshot()).map((l) => Number.parseInt(l, 10));
    expect(journaled).toEqual(changed);
    expect(journaled.length).toBeGreaterThanOrEqual(10);
    expect(journaled.length).toBeLessThan(36);
    expect(lines.at(-1)).toMatchObject({ type: 'end', interrupted: true });

    server.fake.onUpdate = undefined;
    const resumed = await runCli(['grant', '--all', '--yes'], { env });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(
      `Done: ${36 - journaled.length} granted, 0 failed, ${journaled.length + 4} already done.`,
    );
    expect((await runCli(['plan', 'grant', '--all'], { env })).stdout).toContain('No changes.');
  });
});
