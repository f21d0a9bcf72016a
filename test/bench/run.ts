/**
 * npm run bench [-- --only scale|concurrency|faults|report] [--sizes 100,1000,5000 --latency 20 --baseline-max 1000 --startup-runs 20]
 *               [--levels 1,4,8,auto --repeat 3]
 *
 * Two parts: scale (below) and concurrency (./concurrency.ts: --concurrency 1, 4, 8 and auto on
 * a one-worker server and on one that scales, with the read-to-write window; issue 9).
 *
 * Scale: first the start-up of the binary (./startup.ts: `--help`, `--version`, a replayed
 * command and one over HTTP, median of --startup-runs runs each; the single executable's too
 * once built). Then runs the real binary against a loopback fake EcoTaxa (node:http, a fixed latency per answer)
 * holding N projects, and measures, for `projects list`, `access`, `policy dump`,
 * `grant --all --dry-run` and `grant --all --yes`: wall time, HTTP requests by route, and peak RSS. Compares with a
 * sequential one-project-at-a-time script, checks the targets of the README's "Performance"
 * section, prints a table and writes bench-results/bench.json. Exits 1 if a target is missed.
 */
// First: in-process runs (the fault part) read the version the build would have defined.
import '../support/define-version.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type FakeServer, startFakeServer } from '../support/fake-server.js';
import { AQQUA, OWNER } from '../support/people.js';
import { seedScale } from '../support/seed.js';
import { cli, type Run } from './cli-process.js';
import { concurrencyBench, parseLevels } from './concurrency.js';
import { faultsBench } from './faults.js';
import { reportBench } from './report.js';
import { measureStartup } from './startup.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

const SIZES = option('--sizes', '100,1000,5000').split(',').map(Number);
const LATENCY_MS = Number(option('--latency', '20'));
const BASELINE_MAX = Number(option('--baseline-max', '1000'));
const CONCURRENCY = 4;
const PAGE = 100;
const ONLY = option('--only', 'all');
const STARTUP_RUNS = Number(option('--startup-runs', '20'));
const LEVELS = parseLevels(option('--levels', '1,4,8,auto'));
const REPEAT = Number(option('--repeat', '3'));
const OUT = path.join(ROOT, 'bench-results');

/**
 * What a simple script does: list the projects, then for each one, in turn, read it, add the
 * user to its viewers, write it back and read it again to check.
 */
async function sequentialScript(server: FakeServer, token: string): Promise<{ ms: number; total: number }> {
  server.routes.clear();
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const started = performance.now();
  const ids: number[] = [];
  for (let start = 0; ; start += PAGE) {
    const page = (await (
      await fetch(
        `${server.url}/projects/search?for_managing=true&order_field=projid&window_start=${start}&window_size=${PAGE}`,
        { headers },
      )
    ).json()) as { projid: number }[];
    ids.push(...page.map((p) => p.projid));
    if (page.length < PAGE) break;
  }
  const aqqua = { id: AQQUA.id, email: AQQUA.email, name: AQQUA.name, organisation: 'GEOMAR' };
  for (const id of ids) {
    const project = (await (await fetch(`${server.url}/projects/${id}`, { headers })).json()) as {
      viewers: { id: number }[];
    };
    if (project.viewers.some((v) => v.id === AQQUA.id)) continue;
    project.viewers.push(aqqua);
    await fetch(`${server.url}/projects/${id}`, { method: 'PUT', headers, body: JSON.stringify(project) });
    await (await fetch(`${server.url}/projects/${id}`, { headers })).json();
  }
  return { ms: performance.now() - started, total: [...server.routes.values()].reduce((a, b) => a + b, 0) };
}

interface SizeResult {
  projects: number;
  changed: number;
  list: Run;
  access: Run;
  dump: Run;
  dryRun: Run;
  apply: Run;
  applyBoundMs: number;
  sequential?: { ms: number; total: number; ratio: number };
}

const checks: { target: string; ok: boolean; detail: string }[] = [];
function check(target: string, ok: boolean, detail: string): void {
  checks.push({ target, ok, detail });
}

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-bench-home-'));
  const baseEnv = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_STATE_HOME: path.join(home, 'state'),
    NO_COLOR: '1',
  };
  const wall = performance.now();

  // Start-up: `--help` loads commander and the command tree only; a command, its own chunks.
  process.stderr.write('start-up... ');
  const startup = await measureStartup(baseEnv, STARTUP_RUNS);
  process.stderr.write('done\n');
  const startupMs = (label: string): number => startup.find((s) => s.label === label)?.medianMs ?? Number.NaN;
  const helpMs = startupMs('--help');
  const replayMs = startupMs('projects list --replay fixtures/demo');
  const bareMs = startupMs('node -e 0');
  const helpRss = (await cli(['--help'], baseEnv)).maxRssMb;
  check(
    '--help starts in under 150 ms',
    helpMs < 150,
    `median ${helpMs.toFixed(0)} ms (bare \`node -e 0\`: ${bareMs.toFixed(0)} ms)`,
  );
  check(
    'a command (projects list, replayed) starts and finishes in under 400 ms',
    replayMs < 400,
    `median ${replayMs.toFixed(0)} ms`,
  );

  const sizes: SizeResult[] = [];
  for (const n of SIZES) {
    const fake = seedScale(n);
    const server = await startFakeServer(fake, { latencyMs: LATENCY_MS });
    const token = fake.tokenFor(OWNER.id);
    const env = { ...baseEnv, ECOTAXA_URL: server.url, ECOTAXA_TOKEN: token };
    const changed = [...fake.projects.values()].filter((p) => !p.privileges.some((r) => r.member === AQQUA.id)).length;
    process.stderr.write(`${n} projects: list... `);
    const list = await cli(['projects', 'list', '--json'], env, server);
    // Before the grant: who has what on the projects as seeded.
    process.stderr.write('access... ');
    const access = await cli(['access', '--json'], env, server);
    process.stderr.write('policy dump... ');
    const dump = await cli(['policy', 'dump'], env, server);
    process.stderr.write('dry-run... ');
    const dryRun = await cli(['grant', '--all', '--dry-run'], env, server);
    process.stderr.write('apply... ');
    const apply = await cli(['grant', '--all', '--yes', '--concurrency', String(CONCURRENCY)], env, server);
    await server.close();
    for (const [name, run] of [
      ['projects list', list],
      ['access', access],
      ['policy dump', dump],
      ['grant --dry-run', dryRun],
      ['grant --yes', apply],
    ] as const) {
      if (run.code !== 0) throw new Error(`${name} at ${n} projects exited ${run.code}: ${run.stderr}`);
    }
    const granted = [...fake.projects.values()].filter((p) => p.privileges.some((r) => r.member === AQQUA.id)).length;
    if (granted !== n) throw new Error(`after grant --all --yes, AqQua is on ${granted} of ${n} projects`);

    const result: SizeResult = {
      projects: n,
      changed,
      list,
      access,
      dump,
      dryRun,
      apply,
      applyBoundMs: (2 * LATENCY_MS * changed) / CONCURRENCY,
    };
    if (n <= BASELINE_MAX) {
      process.stderr.write('sequential script... ');
      const fresh = seedScale(n);
      const again = await startFakeServer(fresh, { latencyMs: LATENCY_MS });
      const seq = await sequentialScript(again, fresh.tokenFor(OWNER.id));
      await again.close();
      result.sequential = { ...seq, ratio: seq.ms / apply.ms };
    }
    process.stderr.write('done\n');
    sizes.push(result);

    const pages = Math.ceil((n + 1) / PAGE);
    for (const [name, run] of [
      ['access', access],
      ['policy dump', dump],
    ] as const) {
      check(
        `${name} at ${n}: one search page per ${PAGE} projects and /users/me, within 1.5x projects list's time`,
        run.total <= pages + 1 && run.ms <= 1.5 * list.ms,
        `${run.total} requests, ${(run.ms / 1000).toFixed(2)} s (projects list ${(list.ms / 1000).toFixed(2)} s: ${(run.ms / list.ms).toFixed(2)}x)`,
      );
    }
    check(
      `planning ${n} projects costs O(N / page) requests`,
      dryRun.total <= pages + 4,
      `${dryRun.total} requests (${pages} pages of ${PAGE} + /users/me + user lookup)`,
    );
    // What grant --yes sends beyond its plan: a read and a write per change, and read-backs.
    const applyRequests = apply.total - dryRun.total;
    const writes = apply.requests['PUT /projects/{id}'] ?? 0;
    check(
      `applying at ${n}: at most 2 requests per change + O(N / 100) to verify`,
      writes === changed && applyRequests <= 2 * changed + Math.ceil(changed / 100),
      `${applyRequests} requests for ${changed} changes (${writes} writes)`,
    );
    // The apply phase: `grant --yes` less what it shares with `grant --dry-run` (start-up,
    // login check, user lookup, planning reads), which the bound does not count.
    const applyPhase = apply.ms - dryRun.ms;
    check(
      `apply wall time at ${n} within 1.3x of 2 x latency x changed / concurrency`,
      applyPhase <= 1.3 * result.applyBoundMs,
      `apply phase ${(applyPhase / 1000).toFixed(2)} s vs bound ${(result.applyBoundMs / 1000).toFixed(2)} s (${(applyPhase / result.applyBoundMs).toFixed(2)}x; the whole command ${(apply.ms / 1000).toFixed(2)} s)`,
    );
    if (n >= 5000) {
      const peak = Math.max(list.maxRssMb, access.maxRssMb, dump.maxRssMb, dryRun.maxRssMb, apply.maxRssMb);
      check(`peak memory at ${n} projects under 150 MB`, peak < 150, `${peak.toFixed(0)} MB`);
    }
  }

  const row = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(18) : c.padStart(12))).join(' ');
  const lines = [
    `ecotaxa-access benchmark: latency ${LATENCY_MS} ms per answer, concurrency ${CONCURRENCY}, ${os.cpus().length} cores, node ${process.version}`,
    '',
    row(['command', ...sizes.map((s) => `N=${s.projects}`)]),
  ];
  for (const [label, pick] of [
    ['projects list', (s: SizeResult) => s.list],
    ['access', (s: SizeResult) => s.access],
    ['policy dump', (s: SizeResult) => s.dump],
    ['grant --dry-run', (s: SizeResult) => s.dryRun],
    ['grant --yes', (s: SizeResult) => s.apply],
  ] as const) {
    lines.push(row([`${label} time`, ...sizes.map((s) => `${(pick(s).ms / 1000).toFixed(2)} s`)]));
    lines.push(row(['  requests', ...sizes.map((s) => String(pick(s).total))]));
    lines.push(row(['  peak RSS', ...sizes.map((s) => `${pick(s).maxRssMb.toFixed(0)} MB`)]));
  }
  lines.push(row(['changed projects', ...sizes.map((s) => String(s.changed))]));
  lines.push(row(['apply phase', ...sizes.map((s) => `${((s.apply.ms - s.dryRun.ms) / 1000).toFixed(2)} s`)]));
  lines.push(row(['  bound', ...sizes.map((s) => `${(s.applyBoundMs / 1000).toFixed(2)} s`)]));
  lines.push(
    row([
      'sequential script',
      ...sizes.map((s) => (s.sequential === undefined ? '-' : `${(s.sequential.ms / 1000).toFixed(2)} s`)),
    ]),
  );
  lines.push(row(['  requests', ...sizes.map((s) => (s.sequential === undefined ? '-' : String(s.sequential.total)))]));
  lines.push(
    row(['  slower by', ...sizes.map((s) => (s.sequential === undefined ? '-' : `${s.sequential.ratio.toFixed(1)}x`))]),
  );
  lines.push('', `Start-up, spawn to exit (median of ${STARTUP_RUNS} runs; min-max):`);
  for (const s of startup) {
    lines.push(
      `  ${s.label.padEnd(42)} ${s.medianMs.toFixed(0).padStart(5)} ms  (${s.minMs.toFixed(0)}-${s.maxMs.toFixed(0)})`,
    );
  }
  lines.push(`  --help peak memory: ${helpRss.toFixed(0)} MB`, '', 'Requests by route (grant --yes):');
  for (const s of sizes) lines.push(`  N=${s.projects}: ${JSON.stringify(s.apply.requests)}`);
  lines.push('', 'Targets:');
  for (const c of checks) lines.push(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.target}: ${c.detail}`);
  const totalSeconds = (performance.now() - wall) / 1000;
  lines.push('', `Benchmark wall time: ${totalSeconds.toFixed(0)} s`);
  process.stdout.write(`${lines.join('\n')}\n`);

  const out = OUT;
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, 'bench.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cores: os.cpus().length,
        latencyMs: LATENCY_MS,
        concurrency: CONCURRENCY,
        help: { medianMs: helpMs, peakRssMb: helpRss, bareNodeMedianMs: bareMs },
        startup,
        sizes: sizes.map((s) => ({
          projects: s.projects,
          changed: s.changed,
          applyBoundMs: s.applyBoundMs,
          list: { ms: s.list.ms, requests: s.list.requests, peakRssMb: s.list.maxRssMb },
          access: { ms: s.access.ms, requests: s.access.requests, peakRssMb: s.access.maxRssMb },
          policyDump: { ms: s.dump.ms, requests: s.dump.requests, peakRssMb: s.dump.maxRssMb },
          dryRun: { ms: s.dryRun.ms, requests: s.dryRun.requests, peakRssMb: s.dryRun.maxRssMb },
          apply: { ms: s.apply.ms, requests: s.apply.requests, peakRssMb: s.apply.maxRssMb },
          sequential: s.sequential ?? null,
        })),
        targets: checks,
        wallSeconds: totalSeconds,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`Figures written to ${path.relative(ROOT, path.join(out, 'bench.json'))}\n`);
  fs.rmSync(home, { recursive: true, force: true });
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
}

if (!['all', 'scale', 'concurrency', 'faults', 'report'].includes(ONLY)) {
  throw new Error(`--only ${ONLY}: expected scale, concurrency, faults or report`);
}
if (ONLY === 'all' || ONLY === 'scale') await main();
// `report` and `report --received` beside `projects list`: part of the scale part, or alone.
if (ONLY === 'all' || ONLY === 'scale' || ONLY === 'report') {
  if (ONLY !== 'report') process.stdout.write('\n');
  if (!(await reportBench({ out: OUT, sizes: SIZES, latencyMs: LATENCY_MS, repeat: REPEAT }))) process.exitCode = 1;
}
if (ONLY === 'all' || ONLY === 'concurrency') {
  if (ONLY === 'all') process.stdout.write('\n');
  if (!(await concurrencyBench({ out: OUT, levels: LEVELS, repeat: REPEAT }))) process.exitCode = 1;
}
if (ONLY === 'all' || ONLY === 'faults') {
  if (ONLY === 'all') process.stdout.write('\n');
  if (!(await faultsBench({ out: OUT }))) process.exitCode = 1;
}
