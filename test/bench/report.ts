/**
 * The benchmark's part for `report` (run with the scale part, or alone with
 * `npm run bench -- --only report`): `report` and `report --received` against a loopback fake
 * EcoTaxa holding N projects, next to `projects list` on the same server. AqQua holds View on
 * every project (the heaviest report), and a journal of the grant that gave it is on disk, so
 * that each row's "since" is looked up. Measures wall time (the median of `--repeat` runs, the
 * commands taking turns), requests by route and peak RSS;
 * checks that both cost O(N / page) requests and take at most 1.5 times `projects list`'s time;
 * writes bench-results/report.json and returns whether every target was met.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeServer } from '../support/fake-server.js';
import { AQQUA, OWNER } from '../support/people.js';
import { V, seedScale } from '../support/seed.js';
import { median } from '../support/stats.js';
import { cli, type Run } from './cli-process.js';

const PAGE = 100;
const RATIO = 1.5;

interface SizeRow {
  projects: number;
  list: Run;
  report: Run;
  received: Run;
}

/** A journal of `grant --all` that gave AqQua View on every project, as the tool writes it. */
function writeGrantJournal(dir: string, server: string, ids: readonly number[]): void {
  const runId = '20261127T085000135Z-3ada8f';
  const person = (p: { id: number; email: string; name: string }) => ({
    id: p.id,
    email: p.email,
    name: p.name,
    organisation: null,
  });
  const time = '2026-11-27T08:50:00.135Z';
  const lines: object[] = [
    {
      type: 'run',
      version: 1,
      runId,
      startedAt: time,
      server,
      caller: person(OWNER),
      user: person(AQQUA),
      command: 'grant --all',
    },
    ...ids.flatMap((projid) =>
      (['intent', 'change'] as const).map((type) => ({
        type,
        runId,
        time,
        projid,
        title: `#${projid}`,
        userId: AQQUA.id,
        before: null,
        after: 'View',
      })),
    ),
    { type: 'end', runId, time, interrupted: false, applied: ids.length, failed: 0 },
  ];
  // This size's journal alone: the previous size's server is gone.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${runId}.jsonl`), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
}

/** The runs of one command as one: the median time, the last run's requests, the highest peak memory. */
function typical(runs: readonly Run[]): Run {
  const last = runs[runs.length - 1] as Run;
  const failed = runs.find((r) => r.code !== 0);
  return {
    ...(failed ?? last),
    ms: median(runs.map((r) => r.ms)),
    maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)),
  };
}

async function measureSize(
  n: number,
  latencyMs: number,
  repeat: number,
  baseEnv: Record<string, string>,
): Promise<SizeRow> {
  const fake = seedScale(n);
  for (const project of fake.projects.values()) {
    project.privileges = project.privileges.filter((r) => r.member !== AQQUA.id).concat(V(AQQUA.id));
  }
  const server = await startFakeServer(fake, { latencyMs });
  try {
    const env = { ...baseEnv, ECOTAXA_URL: server.url, ECOTAXA_TOKEN: fake.tokenFor(OWNER.id) };
    writeGrantJournal(path.join(baseEnv['XDG_STATE_HOME'] as string, 'ecotaxa-access', 'journal'), server.url, [
      ...fake.projects.keys(),
    ]);
    const commands: [string, string[], Record<string, string>][] = [
      ['projects list', ['projects', 'list'], env],
      ['report', ['report'], env],
      ['report --received', ['report', '--received'], { ...env, ECOTAXA_TOKEN: fake.tokenFor(AQQUA.id) }],
    ];
    // The commands take turns, `repeat` times: a machine shared with other jobs slows them alike.
    const runs = commands.map((): Run[] => []);
    for (let i = 1; i <= repeat; i++) {
      process.stderr.write(`report, ${n} projects, run ${i}/${repeat}... `);
      for (const [k, [, argv, runEnv]] of commands.entries()) runs[k]?.push(await cli(argv, runEnv, server));
      process.stderr.write('done\n');
    }
    const [list, report, received] = runs.map(typical) as [Run, Run, Run];
    for (const [name, run] of [
      ['projects list', list],
      ['report', report],
      ['report --received', received],
    ] as const) {
      if (run.code !== 0) throw new Error(`${name} at ${n} projects exited ${run.code}: ${run.stderr}`);
    }
    return { projects: n, list, report, received };
  } finally {
    await server.close();
  }
}

export async function reportBench(options: {
  out: string;
  sizes: readonly number[];
  latencyMs: number;
  repeat: number;
}): Promise<boolean> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-bench-report-'));
  const baseEnv = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_STATE_HOME: path.join(home, 'state'),
    NO_COLOR: '1',
  };
  const rows: SizeRow[] = [];
  const checks: { target: string; ok: boolean; detail: string }[] = [];
  try {
    for (const n of options.sizes) {
      const row = await measureSize(n, options.latencyMs, options.repeat, baseEnv);
      rows.push(row);
      const pages = Math.ceil((n + 1) / PAGE);
      checks.push({
        target: `report at ${n}: O(N / page) requests, none per project`,
        ok: row.report.total <= pages + 3 && row.received.total <= pages + 1,
        detail: `report ${row.report.total}, --received ${row.received.total} (${pages} pages of ${PAGE}; /users/me; the user lookup)`,
      });
      for (const [name, run] of [
        ['report', row.report],
        ['report --received', row.received],
      ] as const) {
        checks.push({
          target: `${name} at ${n} within ${RATIO}x of projects list`,
          ok: run.ms <= RATIO * row.list.ms,
          detail: `${(run.ms / 1000).toFixed(2)} s vs ${(row.list.ms / 1000).toFixed(2)} s (${(run.ms / row.list.ms).toFixed(2)}x)`,
        });
      }
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  const cell = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(20) : c.padStart(12))).join(' ');
  const lines = [
    `report: latency ${options.latencyMs} ms per answer; AqQua has View on every project; median of ${options.repeat} runs`,
    '',
    cell(['command', ...rows.map((r) => `N=${r.projects}`)]),
  ];
  for (const [label, pick] of [
    ['projects list', (r: SizeRow) => r.list],
    ['report', (r: SizeRow) => r.report],
    ['report --received', (r: SizeRow) => r.received],
  ] as const) {
    lines.push(cell([`${label} time`, ...rows.map((r) => `${(pick(r).ms / 1000).toFixed(2)} s`)]));
    lines.push(cell(['  requests', ...rows.map((r) => String(pick(r).total))]));
    lines.push(cell(['  peak RSS', ...rows.map((r) => `${pick(r).maxRssMb.toFixed(0)} MB`)]));
  }
  lines.push('', 'Targets:', ...checks.map((c) => `  ${c.ok ? 'PASS' : 'FAIL'}  ${c.target}: ${c.detail}`));
  process.stdout.write(`${lines.join('\n')}\n`);
  const figures = (run: Run) => ({ ms: run.ms, requests: run.requests, peakRssMb: run.maxRssMb });
  fs.mkdirSync(options.out, { recursive: true });
  fs.writeFileSync(
    path.join(options.out, 'report.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cores: os.cpus().length,
        latencyMs: options.latencyMs,
        repeat: options.repeat,
        sizes: rows.map((r) => ({
          projects: r.projects,
          list: figures(r.list),
          report: figures(r.report),
          received: figures(r.received),
        })),
        targets: checks,
      },
      null,
      2,
    )}\n`,
  );
  return checks.every((c) => c.ok);
}
