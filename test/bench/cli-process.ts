import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FakeServer } from '../support/fake-server.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'ecotaxa-access.js');
const HOOK = path.join(import.meta.dirname, 'rusage-hook.mjs');

/** One run of the built binary, as the benchmark measures it. */
export interface Run {
  ms: number;
  code: number;
  maxRssMb: number;
  /** Requests the fake server received during the run, by route. */
  requests: Record<string, number>;
  total: number;
  stderr: string;
}

/** Runs the real binary (bin/ecotaxa-access.js) in a child process: wall time, peak memory, requests. */
export async function cli(argv: string[], env: Record<string, string>, server?: FakeServer): Promise<Run> {
  const rusage = path.join(
    os.tmpdir(),
    `ecotaxa-access-bench-${process.pid}-${Math.random().toString(36).slice(2)}.json`,
  );
  server?.routes.clear();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', HOOK, BIN, ...argv], {
    env: { ...env, BENCH_RUSAGE_FILE: rusage },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
  const ms = performance.now() - started;
  const { maxRssKb } = JSON.parse(fs.readFileSync(rusage, 'utf8')) as { maxRssKb: number };
  fs.rmSync(rusage, { force: true });
  const requests = Object.fromEntries([...(server?.routes ?? new Map<string, number>())].sort());
  const total = Object.values(requests).reduce((a, b) => a + b, 0);
  return { ms, code, maxRssMb: maxRssKb / 1024, requests, total, stderr };
}
