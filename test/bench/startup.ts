import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startFakeServer } from '../support/fake-server.js';
import { OWNER } from '../support/people.js';
import { seedScale } from '../support/seed.js';
import { median } from '../support/stats.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'ecotaxa-access.js');
/** Built by `npm run build:standalone`; measured when present. */
const STANDALONE = path.join(ROOT, 'dist', `ecotaxa-access-${process.platform}-${process.arch}`);

export interface Startup {
  label: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

/** Median wall time, spawn to exit, of `runs` runs after one warm-up (no rusage hook: it has its own start-up). */
async function timeStartup(
  label: string,
  command: string[],
  env: Record<string, string>,
  runs: number,
): Promise<Startup> {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(command[0] as string, command.slice(1), { cwd: ROOT, env, stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c ?? -1));
    });
    if (code !== 0) throw new Error(`${label} exited ${code}`);
    if (i > 0) times.push(performance.now() - started);
  }
  return { label, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times) };
}

/**
 * Start-up of the binary as installed (node bin/ecotaxa-access.js, dist/ bundled): bare node,
 * `--help`, `--version`, a whole command offline and one over HTTP; and of the single
 * executable when it has been built.
 */
export async function measureStartup(env: Record<string, string>, runs: number): Promise<Startup[]> {
  const node = (args: string[]): string[] => [process.execPath, BIN, ...args];
  const results = [
    await timeStartup('node -e 0', [process.execPath, '-e', '0'], env, runs),
    await timeStartup('--help', node(['--help']), env, runs),
    await timeStartup('--version', node(['--version']), env, runs),
    await timeStartup(
      'projects list --replay fixtures/demo',
      node(['projects', 'list', '--replay', 'fixtures/demo']),
      env,
      runs,
    ),
  ];
  const fake = seedScale(30);
  const server = await startFakeServer(fake);
  try {
    const online = { ...env, ECOTAXA_URL: server.url, ECOTAXA_TOKEN: fake.tokenFor(OWNER.id) };
    results.push(await timeStartup('whoami (fake EcoTaxa, no latency)', node(['whoami']), online, runs));
  } finally {
    await server.close();
  }
  if (fs.existsSync(STANDALONE)) {
    results.push(await timeStartup('single executable --help', [STANDALONE, '--help'], env, runs));
    results.push(
      await timeStartup(
        'single executable projects list --replay',
        [STANDALONE, 'projects', 'list', '--replay', 'fixtures/demo'],
        env,
        runs,
      ),
    );
  }
  return results;
}
