import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectListSchema, userWithRightsSchema } from '../../src/api/schemas.js';
import type { MinUser, Project } from '../../src/api/schemas.js';
import { dumpRules, renderDump } from '../../src/policy/dump.js';
import { planPolicy } from '../../src/policy/plan-policy.js';
import { parsePolicy } from '../../src/policy/policy-file.js';
import { fixtureFileSchema } from '../../src/recording/format.js';
import { runCli } from '../support/cli.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * access and policy dump offline, from the committed recordings (fixtures/access: Olivia's
 * projects, Victor viewing fifteen of them); and the dump's round trip on the state every
 * committed recording holds: dump → policy parser → policy planner → no change.
 */

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures');
const { anotherHome } = useFakeEcoTaxa({ world: null });

/** A fresh home with no saved login and no token: a replay needs none. */
const offline = (): Record<string, string> => ({ ...anotherHome().env });

describe('fixtures/access, replayed with no server and no credentials', () => {
  it('access: the table, and Victor pointed out as a likely data consumer', async () => {
    const result = await runCli(['access', '--replay', path.join(FIXTURES, 'access')], { env: offline() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "Victor Villefranche  victor@example.org         Laboratoire d'Océanographie de Villefranche - LOV       0         1    14  A: 27; V: 1-7 13-19\n",
    );
    expect(result.stdout).toContain(
      '  - Victor Villefranche <victor@example.org> has a right on 15 projects and manages none (more than 5): a data consumer?\n',
    );
    expect(result.stderr).toBe('4 people besides you, on 32 projects.\n');
  });

  it('access --by-project and --csv are answered by the same recording', async () => {
    const byProject = await runCli(['access', '--by-project', '--replay', path.join(FIXTURES, 'access')], {
      env: offline(),
    });
    expect(byProject.code).toBe(0);
    expect(byProject.stdout).toContain(
      ' 7  Helgoland Roads copepods (co-managed)        Carl Colleague  M: Carl Colleague; V: Victor Villefranche\n',
    );
    const csv = await runCli(['access', '--csv', '--replay', path.join(FIXTURES, 'access')], { env: offline() });
    expect(csv.code).toBe(0);
    expect(csv.stdout).toContain(
      "\n12,Victor Villefranche,victor@example.org,Laboratoire d'Océanographie de Villefranche - LOV,Annotate,0,1,14,,27,1-7 13-19,,data-consumer\n",
    );
  });

  it('policy dump: the file, whose rules name users by id', async () => {
    const result = await runCli(['policy', 'dump', '--replay', path.join(FIXTURES, 'access')], { env: offline() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('server: "http://127.0.0.1:8088/api"\n');
    expect(result.stdout).toContain(
      '  # Victor Villefranche <victor@example.org> (#12): View on 14 projects\n  - name: user-12-view\n    user: 12\n    right: view\n    mode: additive\n    projects:\n      ids: ["1-7", "13-19"]\n',
    );
    expect(result.stderr).toBe('7 rules for 4 users on 32 projects.\n');
  });
});

/** Every committed recording that read the caller and their projects: its caller and the projects they manage. */
function recordedStates(): { name: string; caller: MinUser; projects: Project[] }[] {
  const states: { name: string; caller: MinUser; projects: Project[] }[] = [];
  for (const dir of fs.readdirSync(FIXTURES)) {
    for (const file of fs.readdirSync(path.join(FIXTURES, dir)).filter((f) => f.endsWith('.json'))) {
      const recording = fixtureFileSchema.parse(JSON.parse(fs.readFileSync(path.join(FIXTURES, dir, file), 'utf8')));
      const me = recording.interactions.find((i) => i.path.endsWith('/users/me'));
      const pages = recording.interactions.filter((i) => i.path.includes('/projects/search?for_managing=true'));
      if (me === undefined || pages.length === 0) continue;
      const caller = userWithRightsSchema.parse(me.response);
      const projects = pages
        .flatMap((p) => projectListSchema.parse(p.response))
        .filter((p) => p.managers.some((m) => m.id === caller.id));
      states.push({ name: `${dir}/${file}`, caller, projects });
    }
  }
  return states;
}

describe('sync of a dump plans no change on every committed recording', () => {
  it('reads the state of every recording that has one', () => {
    expect(recordedStates().map((s) => s.name)).toEqual([
      'access/access.json',
      'access/policy-dump.json',
      'demo/plan-grant.json',
      'demo/plan-revoke.json',
      'demo/projects-list.json',
      'granted/grant.json',
      'granted/plan-grant.json',
      'report/report.json',
      'sync/plan-sync.json',
      'sync/sync.json',
      'synced/plan-sync.json',
    ]);
  });

  it.each(recordedStates().map((s) => [s.name, s] as const))('%s', (_name, { caller, projects }) => {
    const members = new Map(
      projects.flatMap((p) => [...p.managers, ...p.annotators, ...p.viewers]).map((u) => [String(u.id), u]),
    );
    for (const more of [
      { includeManagers: false, mode: 'additive' as const },
      { includeManagers: true, mode: 'authoritative' as const },
    ]) {
      const input = { projects, caller, server: 'http://127.0.0.1:8088/api', now: new Date(0), ...more };
      expect(dumpRules(input).length).toBeGreaterThan(0);
      const policy = parsePolicy(renderDump(input), 'dump.yaml');
      const users = policy.rules.map((r) => members.get(r.user) as MinUser);
      const plan = planPolicy({ policy, caller, projects, users, today: '2026-11-08' });
      expect(plan.entries.filter((e) => e.decision.kind === 'change')).toEqual([]);
      expect(plan.massRevokes).toEqual([]);
    }
  });
});
