import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempHome } from './cli.js';
import { startFakeServer } from './fake-server.js';
import type { FakeEcoTaxa, FakeOptions } from './fake-ecotaxa.js';
import { seedReceived } from './received-world.js';
import { AQQUA, OWNER } from './people.js';
import { seedWorld } from './seed.js';

/*
 * The recorded scenarios committed under fixtures/, each made against a fresh fake EcoTaxa
 * with a frozen clock, so that recording the same scenario twice gives the same file.
 * Used by `npm run fixtures:record` and by the record/replay tests.
 */

export interface Scenario {
  /** Folder under fixtures/. */
  dir: string;
  /** File name (without .json), passed as --scenario. */
  name: string;
  argv: string[];
  /** Commands run first, unrecorded, to bring the server to the scenario's state. */
  setup?: string[][];
  /**
   * Run from the repository's root, where the files the command names are (a policy under
   * fixtures/), instead of a temporary home; replays then run from there too.
   */
  fromRepo?: boolean;
  /** The fake's world (default: the seed's). */
  world?: (options: FakeOptions) => FakeEcoTaxa;
  /** Who runs the commands (default: Olivia Owner). */
  callerId?: number;
}

/** The repository's root: where `fromRepo` scenarios run, and replays of them. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
/** The policy of the sync scenarios (README "Sharing as code"). */
export const SYNC_POLICY = 'fixtures/sync/sharing.yaml';

/**
 * Before the access scenarios: Victor, a viewer of two of Olivia's projects, gets View on
 * twelve more, so that `access` has a likely data consumer to point out.
 */
const ACCESS_SETUP = [['grant', '1-6', '14-19', '--user', 'victor@example.org', '--yes', '--concurrency', '1']];

export const SCENARIOS: readonly Scenario[] = [
  { dir: 'demo', name: 'whoami', argv: ['whoami'] },
  { dir: 'demo', name: 'projects-list', argv: ['projects', 'list'] },
  { dir: 'demo', name: 'plan-grant', argv: ['plan', 'grant', '--all'] },
  { dir: 'demo', name: 'plan-revoke', argv: ['plan', 'revoke', '--all'] },
  { dir: 'granted', name: 'grant', argv: ['grant', '--all', '--yes'] },
  {
    dir: 'granted',
    name: 'plan-grant',
    argv: ['plan', 'grant', '--all'],
    // One at a time, so that the server's "recently used" list is always in the same order.
    setup: [['grant', '--all', '--yes', '--concurrency', '1']],
  },
  { dir: 'sync', name: 'plan-sync', argv: ['plan', 'sync', SYNC_POLICY], fromRepo: true },
  { dir: 'sync', name: 'sync', argv: ['sync', SYNC_POLICY, '--yes'], fromRepo: true },
  {
    dir: 'synced',
    name: 'plan-sync',
    argv: ['plan', 'sync', SYNC_POLICY],
    fromRepo: true,
    setup: [['sync', SYNC_POLICY, '--yes', '--concurrency', '1']],
  },
  { dir: 'report', name: 'report', argv: ['report'] },
  // AqQua's side: the projects other owners shared with it, grouped by whom to tell.
  { dir: 'received', name: 'report-received', argv: ['report', '--received'], world: seedReceived, callerId: AQQUA.id },
  { dir: 'access', name: 'access', argv: ['access'], setup: ACCESS_SETUP },
  { dir: 'access', name: 'policy-dump', argv: ['policy', 'dump'], setup: ACCESS_SETUP },
];

/** The recordings' clock: 2026-11-08T09:00:00Z. */
export const FROZEN_EPOCH = 1_794_128_400;
/** Where recordings say the fake EcoTaxa ran (its real port changes every run). */
export const CANONICAL_ORIGIN = 'http://127.0.0.1:8088';

export interface RecordedRun {
  scenario: Scenario;
  file: string;
  code: number;
  stdout: string;
  /** The address the fake really had, to normalise. */
  origin: string;
}

/** Records one scenario into `root/<dir>/<name>.json`. */
export async function recordScenario(scenario: Scenario, root: string): Promise<RecordedRun> {
  const fake = (scenario.world ?? seedWorld)({ now: () => new Date(FROZEN_EPOCH * 1000) });
  const server = await startFakeServer(fake);
  const home = tempHome();
  const cwd = scenario.fromRepo === true ? REPO_ROOT : home.home;
  try {
    const env = {
      ...home.env,
      ECOTAXA_URL: server.url,
      ECOTAXA_TOKEN: fake.tokenFor(scenario.callerId ?? OWNER.id),
      SOURCE_DATE_EPOCH: String(FROZEN_EPOCH),
    };
    for (const step of scenario.setup ?? []) {
      const result = await runCli(step, { env, cwd });
      if (result.code !== 0) throw new Error(`setup ${step.join(' ')} failed: ${result.stderr}`);
    }
    const dir = path.join(root, scenario.dir);
    const result = await runCli([...scenario.argv, '--record', dir, '--scenario', scenario.name], { env, cwd });
    return {
      scenario,
      file: path.join(dir, `${scenario.name}.json`),
      code: result.code,
      stdout: result.stdout,
      origin: new URL(server.url).origin,
    };
  } finally {
    await server.close();
    home.cleanup();
  }
}

/** Rewrites a recording as if the fake had run at CANONICAL_ORIGIN. */
export function normaliseOrigin(run: RecordedRun): void {
  const text = fs.readFileSync(run.file, 'utf8');
  fs.writeFileSync(run.file, text.split(run.origin).join(CANONICAL_ORIGIN));
}
