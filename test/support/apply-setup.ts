import type { MinUser, Project } from '../../src/api/schemas.js';
import { type ApplyOptions, type ApplyRun, createApplyRun, projectTasks } from '../../src/apply/apply-run.js';
import { applyProject } from '../../src/apply/project.js';
import type { ApplyResult } from '../../src/plan/results.js';
import { fixedLimit } from '../../src/apply/concurrency-limit.js';
import { describeError } from '../../src/cli/error-advice.js';
import type { Plan, RightChange } from '../../src/plan/model.js';
import { planEntry } from '../../src/plan/planner.js';
import { ScriptedEcoTaxa, ScriptedJournal, request } from './scripted-client.js';
import { CALLER, THIRD, USER, project } from './factory.js';

/* The apply engine's unit tests: a scripted EcoTaxa, a journal that logs, waits only recorded. */

export const grantView = { action: 'grant', right: 'View' } as const satisfies RightChange;
export const PUT = request('PUT', '/projects/101');
export const GET = request('GET', '/projects?project_ids=101');

export interface Setup {
  client: ScriptedEcoTaxa;
  journal: ScriptedJournal;
  options: ApplyOptions;
  sleeps: number[];
  plan: Plan;
}

/** A run of the plan granting USER View on `projects` (planned as they are), one project at a time. */
export function setup(projects: Project[] = [project()], overrides: Partial<ApplyOptions> = {}): Setup {
  const client = new ScriptedEcoTaxa(...projects);
  const journal = new ScriptedJournal(client.log);
  const sleeps: number[] = [];
  const plan = grantPlan(projects);
  const options: ApplyOptions = {
    client,
    plan,
    users: new Map<number, MinUser>([
      [USER.id, USER],
      [THIRD.id, THIRD],
    ]),
    concurrency: fixedLimit(1),
    strict: false,
    journal,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0,
    now: () => 0,
    // The reasons as the CLI words them: these tests pin what a person reads.
    describeError,
    ...overrides,
  };
  return { client, journal, options, sleeps, plan };
}

/** Runs the plan's first project alone. */
export async function applyOne(s: Setup): Promise<{ results: ApplyResult[]; run: ApplyRun }> {
  const run = createApplyRun(s.options);
  const [task] = projectTasks(s.plan);
  if (task === undefined) throw new Error('no task');
  return { results: await applyProject(run, task), run };
}

/** The plan granting (or revoking) USER's right on each project, made from the projects as they are now. */
export function grantPlan(projects: readonly Project[], op: RightChange = grantView): Plan {
  return {
    createdAt: new Date(0),
    server: 'http://127.0.0.1:9/api',
    caller: CALLER,
    user: USER,
    operation: op,
    entries: projects.map((p) => planEntry(p, { caller: CALLER, user: USER }, op)),
    notes: [],
  };
}
