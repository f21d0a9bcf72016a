import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { scriptedFaults } from '../support/faults.js';
import { AQQUA, OWNER, VICTOR } from '../support/people.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';
import { worldDiff } from '../support/world-diff.js';

/*
 * End to end against the fake EcoTaxa: a conflict retry on a lagging replica keeps the
 * winner's change; undo of a sync goes on when a user it did not change became inactive.
 */

const { server, home, env } = useFakeEcoTaxa();

describe('a conflict retry on a lagging replica', () => {
  it("grant keeps the colleague's change that won the conflict", async () => {
    const fake = server.fake;
    const owner = { authorization: `Bearer ${fake.tokenFor(OWNER.id)}` };
    server.setFaults(
      scriptedFaults({
        'PUT /projects/1': (nth) => {
          if (nth !== 1) return undefined;
          // The colleague's update of project 1 (Victor as viewer) commits while ours runs;
          // EcoTaxa's replica catches up with it only after a read or two (API-NOTES).
          const read = fake.handle({
            method: 'GET',
            path: '/api/projects',
            query: new URLSearchParams('project_ids=1'),
            headers: owner,
            body: '',
          });
          const [model] = JSON.parse(read.body) as Record<string, unknown>[];
          const viewers = (model?.['viewers'] as unknown[]) ?? [];
          const victor = { id: VICTOR.id, email: VICTOR.email, name: VICTOR.name, organisation: null };
          fake.replicaLagReads = 1;
          fake.handle({
            method: 'PUT',
            path: '/api/projects/1',
            query: new URLSearchParams(),
            headers: { ...owner, 'content-type': 'application/json' },
            body: JSON.stringify({ ...model, viewers: [...viewers, victor] }),
          });
          fake.replicaLagReads = 0;
          return { kind: 'conflict' };
        },
      }),
    );
    const before = server.fake.snapshot();
    const result = await runCli(['grant', '1', '--yes', '--json'], { env, sleeps: [] });
    expect(result.code).toBe(0);
    // Victor's View stays: the retry waited for a read that shows the winner.
    expect(worldDiff(before, server.fake.snapshot())).toEqual([
      `1: user ${AQQUA.id} none→View`,
      `1: user ${VICTOR.id} none→View`,
    ]);
  });
});

describe('undo of a sync when a user became inactive', () => {
  it('undoes the changes of the active users when a user with no change became inactive', async () => {
    fs.writeFileSync(
      path.join(home.home, 'sharing.yaml'),
      `version: 1
rules:
  - user: aqqua@geomar.de
    right: view
    projects: { ids: [1] }
  - user: Victor Villefranche
    right: annotate
    projects: { ids: [2] }
`,
    );
    // Victor already annotates project 2: the sync changes only AqQua's right.
    server.fake.projects.get(2)?.privileges.push({ member: VICTOR.id, privilege: 'Annotate', contact: false });
    const sync = await runCli(['sync', 'sharing.yaml', '--yes'], { env, cwd: home.home });
    expect(sync.code).toBe(0);
    // Victor leaves; his account is deactivated.
    const victor = server.fake.users.get(VICTOR.id);
    if (victor !== undefined) victor.status = 0;
    const afterSync = server.fake.snapshot();
    const undo = await runCli(['undo', '--yes'], { env, cwd: home.home });
    // The sync never changed Victor's right: his account does not stop the undo of AqQua's.
    expect(undo.code).toBe(0);
    expect(undo.stderr).not.toMatch(/error|inactive/);
    expect(worldDiff(afterSync, server.fake.snapshot())).toEqual([`1: user ${AQQUA.id} View→none`]);
  });
});
