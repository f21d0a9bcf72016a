/**
 * The benchmark's fault part for issue 9 (`npm run bench -- --only faults`): does one run
 * finish the job under faults, and does it ever call a write that landed "failed"?
 *
 * - 20 seeded runs of `grant --all --yes` over 200 projects, with 25% of requests failing
 *   transiently (500s, proxy 502/503/504, 429 with Retry-After, resets, writes that commit
 *   and then answer 502, 1% hangs): target, at least 19 complete in one run; none reports as
 *   failed (or unconfirmed) a project whose write landed.
 * - 30% of PUTs answered by EcoTaxa's conflict 500 (at most three in a row for a project):
 *   target, one run grants everything and changes nothing else.
 *
 * These check behaviour, not speed: each run is in-process (test/support/cli.ts) with the
 * backoff and replica waits recorded instead of slept, against the fake EcoTaxa on 127.0.0.1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCli, tempHome } from '../support/cli.js';
import { type FaultSchedule, startFakeServer } from '../support/fake-server.js';
import { conflictFaults, randomFaults } from '../support/faults.js';
import { AQQUA, OWNER } from '../support/people.js';
import { seedScale } from '../support/seed.js';
import { worldDiff } from '../support/world-diff.js';

interface RunOutcome {
  seed: number;
  code: number;
  complete: boolean;
  failed: number;
  /** Projects reported failed or unconfirmed although AqQua's View is on the server. */
  landedButFailed: number[];
  /** Server changes other than AqQua's View on a planned project. */
  unexpected: string[];
  faultShare: number;
}

interface ResultRow {
  projid: number;
  outcome: string;
}

async function grantUnder(seed: number, schedule: FaultSchedule, timeout: string): Promise<RunOutcome> {
  const fake = seedScale(200);
  const server = await startFakeServer(fake);
  const home = tempHome();
  try {
    const planned = new Set(
      [...fake.projects.values()].filter((p) => !p.privileges.some((r) => r.member === AQQUA.id)).map((p) => p.projid),
    );
    const before = fake.snapshot();
    server.setFaults(schedule);
    const env = { ...home.env, ECOTAXA_URL: server.url, ECOTAXA_TOKEN: fake.tokenFor(OWNER.id) };
    const result = await runCli(['grant', '--all', '--yes', '--json', '--timeout', timeout], { env });
    const results = (JSON.parse(result.stdout) as { results?: ResultRow[] }).results ?? [];
    const after = fake.snapshot();
    const holds = (projid: number): boolean =>
      after.projects.find((p) => p.projid === projid)?.privileges.some((r) => r.member === AQQUA.id) === true;
    const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'unconfirmed');
    const faulted = server.requests.filter((r) => r.fault !== undefined && r.fault !== 'delay').length;
    return {
      seed,
      code: result.code,
      complete: result.code === 0 && failed.length === 0 && [...planned].every(holds),
      failed: failed.length,
      landedButFailed: failed.filter((r) => holds(r.projid)).map((r) => r.projid),
      unexpected: worldDiff(before, after).filter(
        (line) => !(/^\d+: user 10 none→View$/.test(line) && planned.has(Number.parseInt(line, 10))),
      ),
      faultShare: faulted / Math.max(1, server.requests.length),
    };
  } finally {
    await server.close();
    home.cleanup();
  }
}

/** Runs the fault targets; prints a table; returns whether every target was met. */
export async function faultsBench(options: { out: string; runs?: number }): Promise<boolean> {
  const wall = performance.now();
  const runs = options.runs ?? 20;
  const transient: RunOutcome[] = [];
  for (let i = 0; i < runs; i++) {
    const seed = 20261127 + i;
    transient.push(await grantUnder(seed, randomFaults({ seed, rate: 0.25, hangRate: 0.01 }), '1'));
  }
  const conflicts = await grantUnder(89, conflictFaults({ seed: 89, rate: 0.3, maxInARow: 3 }), '30');

  const complete = transient.filter((r) => r.complete).length;
  const landedButFailed = transient.flatMap((r) => r.landedButFailed);
  const unexpected = [...transient, conflicts].flatMap((r) => r.unexpected);
  const checks = [
    {
      target: `25% transient mix, 200 projects: at least ${Math.ceil(runs * 0.95)} of ${runs} seeded runs complete in one run`,
      ok: complete >= Math.ceil(runs * 0.95),
      detail: `${complete} of ${runs} complete`,
    },
    {
      target: 'no write that landed is reported as failed or unconfirmed',
      ok: landedButFailed.length === 0,
      detail: landedButFailed.length === 0 ? 'none' : `projects ${landedButFailed.join(', ')}`,
    },
    {
      target: '30% of PUTs answered by the conflict 500: one run grants everything, exit 0',
      ok: conflicts.complete,
      detail: `exit ${conflicts.code}, ${conflicts.failed} failed`,
    },
    {
      target: 'nothing but the planned grants changes on the server',
      ok: unexpected.length === 0,
      detail: unexpected.length === 0 ? 'nothing else' : unexpected.slice(0, 5).join('; '),
    },
  ];
  const lines = [
    'Faults (issue 9): grant --all --yes over 200 projects, in-process, waits recorded not slept',
    '',
    '  seed       exit  failed  faulted share',
    ...transient.map(
      (r) =>
        `  ${String(r.seed).padEnd(9)}  ${String(r.code).padStart(4)}  ${String(r.failed).padStart(6)}  ${(r.faultShare * 100).toFixed(1).padStart(12)}%`,
    ),
    `  conflicts  ${String(conflicts.code).padStart(4)}  ${String(conflicts.failed).padStart(6)}`,
    '',
    'Targets:',
    ...checks.map((c) => `  ${c.ok ? 'PASS' : 'FAIL'}  ${c.target}: ${c.detail}`),
    '',
    `Fault bench wall time: ${((performance.now() - wall) / 1000).toFixed(0)} s`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  fs.mkdirSync(options.out, { recursive: true });
  fs.writeFileSync(
    path.join(options.out, 'faults.json'),
    `${JSON.stringify({ date: new Date().toISOString(), transient, conflicts, targets: checks }, null, 2)}\n`,
  );
  return checks.every((c) => c.ok);
}
