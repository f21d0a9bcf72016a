/**
 * The benchmark's part for issue 9 (`npm run bench -- --only concurrency`): `grant --all --yes`
 * with `--concurrency 1`, `4`, `8` and `auto`, on a fake EcoTaxa with one API worker (10 ms a
 * read, 40 ms a write, 300 projects) and on one that scales (20 ms a request, no queue, 1,000
 * projects). For each: wall time, and the read-to-write window of every write (median, p95),
 * measured by the fake from when it served the last read showing a project to when it
 * committed the project's write: the time in which a colleague's change can be overwritten.
 * Checks issue 9's targets, writes bench-results/concurrency.json, and returns whether all
 * targets were met. A binary without `--concurrency auto` gets its rows reported as
 * unavailable, and the targets that need them as not met.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type FakeServerOptions, startFakeServer } from '../support/fake-server.js';
import { AQQUA, OWNER } from '../support/people.js';
import { seedScale } from '../support/seed.js';
import { median, percentile } from '../support/stats.js';
import { cli } from './cli-process.js';

type Level = '1' | '4' | '8' | 'auto';
const LEVELS: readonly Level[] = ['1', '4', '8', 'auto'];

interface ServerModel {
  key: 'one-worker' | 'scaling';
  label: string;
  projects: number;
  server: FakeServerOptions;
}

const MODELS: readonly ServerModel[] = [
  {
    key: 'one-worker',
    label: 'one worker, 10/40 ms read/write',
    projects: 300,
    server: { worker: { readMs: 10, writeMs: 40 } },
  },
  { key: 'scaling', label: 'scales, 20 ms, no queue', projects: 1000, server: { latencyMs: 20 } },
];

/** One run: its wall time and every write's window, or why it has none. */
type Measurement = { wallMs: number; windows: number[] } | { unavailable: string };

interface Row {
  model: ServerModel['key'];
  projects: number;
  concurrency: Level;
  /** Why the row has no figures: the binary refused the flag, or a run failed. */
  unavailable?: string;
  /** The median of the runs' wall times (each run's in `wallsMs`). */
  wallMs?: number;
  wallsMs?: number[];
  /** Writes per run. */
  writes?: number;
  /** Over the windows of all runs. */
  windowMedianMs?: number;
  windowP95Ms?: number;
}

interface Check {
  target: string;
  ok: boolean;
  detail: string;
}

/** The first line of what the CLI said on stderr, for a row it could not run. */
const firstLine = (text: string): string => text.trim().split('\n')[0] ?? '';

async function measure(model: ServerModel, concurrency: Level, env: Record<string, string>): Promise<Measurement> {
  const fake = seedScale(model.projects);
  const server = await startFakeServer(fake, model.server);
  try {
    const run = await cli(
      ['grant', '--all', '--yes', '--concurrency', concurrency],
      { ...env, ECOTAXA_URL: server.url, ECOTAXA_TOKEN: fake.tokenFor(OWNER.id) },
      server,
    );
    // Refused before any request: a build from before `--concurrency auto` (issue 9).
    if (run.code !== 0 && server.requests.length === 0) {
      return { unavailable: `this build refuses --concurrency ${concurrency}: ${firstLine(run.stderr)}` };
    }
    const granted = [...fake.projects.values()].filter((p) => p.privileges.some((r) => r.member === AQQUA.id)).length;
    if (run.code !== 0 || granted !== model.projects) {
      return {
        unavailable: `exit ${run.code}, AqQua on ${granted} of ${model.projects} projects (${firstLine(run.stderr)})`,
      };
    }
    return { wallMs: run.ms, windows: server.windows.map((w) => w.ms) };
  } finally {
    await server.close();
  }
}

function targets(rows: Row[]): Check[] {
  const row = (model: ServerModel['key'], level: Level): Row | undefined =>
    rows.find((r) => r.model === model && r.concurrency === level);
  const checks: Check[] = [];
  const ratio = (
    target: string,
    model: ServerModel['key'],
    against: Level,
    pick: (r: Row) => number | undefined,
    bound: number,
  ): void => {
    const [auto, other] = [row(model, 'auto'), row(model, against)];
    const [a, b] = [auto === undefined ? undefined : pick(auto), other === undefined ? undefined : pick(other)];
    if (a === undefined || b === undefined) {
      const why = auto?.unavailable ?? other?.unavailable ?? 'not measured';
      checks.push({ target, ok: false, detail: `unavailable: ${why}` });
      return;
    }
    checks.push({
      target,
      ok: a <= bound * b,
      detail: `${a.toFixed(0)} ms vs ${b.toFixed(0)} ms (${(a / b).toFixed(2)}x, bound ${bound}x)`,
    });
  };
  ratio('one worker: auto wall ≤ 1.05 × concurrency 1', 'one-worker', '1', (r) => r.wallMs, 1.05);
  ratio('one worker: auto median window ≤ 1.5 × concurrency 1', 'one-worker', '1', (r) => r.windowMedianMs, 1.5);
  ratio('scaling: auto wall ≤ 1.25 × concurrency 8', 'scaling', '8', (r) => r.wallMs, 1.25);
  return checks;
}

function table(rows: Row[], checks: Check[]): string {
  const cells = (values: string[]): string =>
    values.map((v, i) => (i < 2 ? v.padEnd(i === 0 ? 42 : 12) : v.padStart(11))).join(' ');
  const ms = (v: number | undefined): string => (v === undefined ? '-' : `${v.toFixed(0)} ms`);
  const lines = [
    'Concurrency and the read-to-write window (issue 9): grant --all --yes; wall: the median of the runs',
    '',
    cells(['server', 'concurrency', 'wall', 'writes', 'window p50', 'window p95']),
  ];
  for (const model of MODELS) {
    for (const r of rows.filter((x) => x.model === model.key)) {
      const name = `${model.label} (N=${model.projects})`;
      if (r.unavailable !== undefined) {
        lines.push(`${cells([name, r.concurrency])} unavailable: ${r.unavailable}`);
        continue;
      }
      lines.push(
        cells([
          name,
          r.concurrency,
          `${((r.wallMs ?? 0) / 1000).toFixed(2)} s`,
          String(r.writes),
          ms(r.windowMedianMs),
          ms(r.windowP95Ms),
        ]),
      );
    }
  }
  lines.push('', 'Targets (issue 9):');
  for (const c of checks) lines.push(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.target}: ${c.detail}`);
  return lines.join('\n');
}

/** The row of a level from its runs. */
function summarise(model: ServerModel, concurrency: Level, runs: Measurement[]): Row {
  const base = { model: model.key, projects: model.projects, concurrency };
  const failed = runs.find((r) => 'unavailable' in r);
  if (failed !== undefined) return { ...base, unavailable: failed.unavailable };
  const done = runs.filter((r) => 'wallMs' in r);
  const windows = done.flatMap((r) => r.windows);
  return {
    ...base,
    wallMs: median(done.map((r) => r.wallMs)),
    wallsMs: done.map((r) => Math.round(r.wallMs)),
    writes: Math.round(windows.length / done.length),
    windowMedianMs: median(windows),
    windowP95Ms: percentile(windows, 95),
  };
}

/**
 * Runs this part of the benchmark; prints its table, writes its JSON; true if every target
 * holds. Each level runs `repeat` times, the levels taking turns, so that a busy spell of the
 * machine does not fall on one level only; a row's wall time is the median of its runs.
 */
export async function concurrencyBench(options: {
  out: string;
  levels?: readonly Level[];
  repeat?: number;
}): Promise<boolean> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-bench-concurrency-'));
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_STATE_HOME: path.join(home, 'state'),
    NO_COLOR: '1',
  };
  const rows: Row[] = [];
  try {
    const levels = options.levels ?? LEVELS;
    const repeat = options.repeat ?? 3;
    if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat: expected a whole number from 1: ${repeat}`);
    for (const model of MODELS) {
      const runs = new Map<Level, Measurement[]>(levels.map((l) => [l, []]));
      for (let i = 1; i <= repeat; i++) {
        for (const level of levels) {
          const done = runs.get(level) as Measurement[];
          if (done.some((r) => 'unavailable' in r)) continue;
          process.stderr.write(
            `${model.key} (${model.projects} projects), concurrency ${level}, run ${i}/${repeat}... `,
          );
          const run = await measure(model, level, env);
          process.stderr.write('unavailable' in run ? 'unavailable\n' : `${(run.wallMs / 1000).toFixed(2)} s\n`);
          done.push(run);
        }
      }
      for (const level of levels) rows.push(summarise(model, level, runs.get(level) as Measurement[]));
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  const checks = targets(rows);
  process.stdout.write(`${table(rows, checks)}\n`);
  fs.mkdirSync(options.out, { recursive: true });
  const file = path.join(options.out, 'concurrency.json');
  fs.writeFileSync(
    file,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cores: os.cpus().length,
        models: MODELS,
        repeat: options.repeat ?? 3,
        rows,
        targets: checks,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`Figures written to ${path.relative(process.cwd(), file)}\n`);
  return checks.every((c) => c.ok);
}

/** The levels asked for with `--levels 1,auto`, checked. */
export function parseLevels(text: string): Level[] {
  const levels = text.split(',').map((l) => l.trim());
  const bad = levels.find((l) => !(LEVELS as readonly string[]).includes(l));
  if (bad !== undefined) throw new Error(`--levels: ${bad} is not one of ${LEVELS.join(', ')}`);
  return levels as Level[];
}
