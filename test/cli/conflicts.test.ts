import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { FakeEcoTaxa } from '../support/fake-ecotaxa.js';
import type { FaultSchedule } from '../support/fake-server.js';
import { conflictFaults } from '../support/faults.js';
import { AQQUA, VICTOR } from '../support/people.js';
import { V, seedScale } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';
import { worldDiff } from '../support/world-diff.js';

/*
 * Two writers on one project at once (API-NOTES "Changing rights", transcript [89]): EcoTaxa
 * fails the later update with a 500 on a unique index and keeps nothing of it, while the
 * other writer's change stands. The tool must read again, decide again on what the other
 * writer left, and write again, keeping that change.
 */

const { server, env, journals, start } = useFakeEcoTaxa({ world: null });

/**
 * Conflicts as they happen: each one is another writer's update of that project, committed
 * while ours failed. Here the other writer (a colleague in the web UI) gives Victor View.
 */
function colleagueWritesOnConflict(fake: FakeEcoTaxa, schedule: FaultSchedule, written: Set<number>): FaultSchedule {
  return (req, index) => {
    const fault = schedule(req, index);
    if (fault?.kind === 'conflict') {
      const project = fake.projects.get(Number(req.path.split('/').pop()));
      if (project !== undefined && !project.privileges.some((r) => r.member === VICTOR.id)) {
        project.privileges.push(V(VICTOR.id));
        written.add(project.projid);
      }
    }
    return fault;
  };
}

/** The projects whose change the journals hold, in order. */
const journalChanges = (): number[] =>
  journals
    .lines()
    .filter((l) => l.type === 'change')
    .map((l) => l.projid as number)
    .sort((a, b) => a - b);

describe('write conflicts', () => {
  it('with 30% of PUTs answered by the conflict 500, one run grants everything, keeps the other writer changes, exit 0', async () => {
    const fake = seedScale(200);
    await start(fake);
    const planned = [...fake.projects.values()]
      .filter((p) => !p.privileges.some((r) => r.member === AQQUA.id))
      .map((p) => p.projid)
      .sort((a, b) => a - b);
    const before = fake.snapshot();
    // Drawn per PUT; a colleague does not collide with us more than three times in a row,
    // which is as often as the tool tries again before reporting a conflict.
    const colleague = new Set<number>();
    server.setFaults(colleagueWritesOnConflict(fake, conflictFaults({ seed: 89, rate: 0.3, maxInARow: 3 }), colleague));

    const result = await runCli(['grant', '--all', '--yes'], { env });

    const conflicts = server.requests.filter((r) => r.fault === 'conflict');
    const puts = server.requests.filter((r) => r.method === 'PUT');
    expect(conflicts.length / puts.length).toBeGreaterThan(0.25);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Done: ${planned.length} granted, 0 failed, ${200 - planned.length} already done.`);

    expect(colleague.size).toBeGreaterThan(10);
    // Exactly AqQua's View on every planned project, and the colleague's Views: nothing else.
    const expected = [
      ...planned.map((id) => `${id}: user ${AQQUA.id} none→View`),
      ...[...colleague].map((id) => `${id}: user ${VICTOR.id} none→View`),
    ].sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || (a < b ? -1 : 1));
    expect(worldDiff(before, fake.snapshot())).toEqual(expected);
    // The journal says what the server shows: one change per granted project.
    expect(journalChanges()).toEqual(planned);
  });

  it('after three conflicts in a row, reports the project as changed by someone else, and nothing of it changed', async () => {
    const fake = seedScale(3);
    await start(fake);
    const before = fake.snapshot();
    server.setFaults((req) =>
      req.method === 'PUT' && req.path.endsWith('/1002')
        ? { kind: 'conflict', constraint: 'IS_ProjectsPriv' }
        : undefined,
    );
    const result = await runCli(['grant', '1001', '1002', '1003', '--yes'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /✗ +1002 .*failed: changed by someone else at the same time \(4 write conflicts\): run the same command again/,
    );
    expect(worldDiff(before, fake.snapshot())).toEqual([
      `1001: user ${AQQUA.id} none→View`,
      `1003: user ${AQQUA.id} none→View`,
    ]);
    expect(server.requests.filter((r) => r.method === 'PUT' && r.path === '/projects/1002')).toHaveLength(4);
  });

  it('a write that met a conflict is not undone: the colleague who gave the same right meanwhile keeps it', async () => {
    const fake = seedScale(1);
    await start(fake);
    const before = fake.snapshot();
    let conflicts = 0;
    // The colleague gives AqQua View while our own grant is refused: nothing of ours landed.
    server.setFaults((req) => {
      if (req.method !== 'PUT' || conflicts > 0) return undefined;
      conflicts++;
      fake.projects.get(1001)?.privileges.push(V(AQQUA.id));
      return { kind: 'conflict', constraint: 'IS_ProjectsPriv' };
    });
    const grant = await runCli(['grant', '1001', '--yes'], { env });
    expect(grant.code).toBe(0);
    expect(journals.lines<{ type: string; landed?: boolean }>().map((l) => [l.type, l.landed])).toEqual([
      ['run', undefined],
      ['intent', undefined],
      ['intent', false],
      ['end', undefined],
    ]);

    const undo = await runCli(['undo', '--yes'], { env });
    expect(undo.code).toBe(1);
    expect(undo.stderr).toMatch(/^error: no run to undo: no change on \S+ by you that is not undone yet/);
    expect(worldDiff(before, fake.snapshot())).toEqual([`1001: user ${AQQUA.id} none→View`]);
  });
});
