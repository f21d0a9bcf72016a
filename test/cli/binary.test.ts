import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AQQUA } from '../support/people.js';
import { seedScale, seedWorld } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';
import { worldDiff } from '../support/world-diff.js';

/*
 * The real binary, spawned as a user runs it: argv, exit codes, stdout versus stderr,
 * colours decided from the environment, and a real SIGINT (Ctrl-C) sent to the process.
 * Every child gets an environment built from scratch: never the developer's HOME or tokens.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'ecotaxa-access.js');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
};
const ESC = '\u001b[';

interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Spawned {
  child: ChildProcess;
  /** Output so far (complete once `done` resolves). */
  readonly stdout: string;
  readonly stderr: string;
  /** When the process exited (ms, performance.now()). */
  readonly exitedAt: number | undefined;
  done: Promise<Exited>;
}

const ecotaxa = useFakeEcoTaxa({ world: null });
const { server, home, journals, start: startServer } = ecotaxa;
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

/**
 * PATH, a private HOME and XDG dirs (with the test's fake EcoTaxa and Olivia's token once it
 * has started one), plus what the test adds: nothing inherited.
 */
function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...ecotaxa.env, ...extra };
}

interface StartOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Another copy of bin/ecotaxa-access.js. */
  bin?: string;
}

function start(args: string[], options: StartOptions = {}): Spawned {
  const child = spawn(process.execPath, [options.bin ?? BIN, ...args], {
    cwd: options.cwd ?? home.home,
    env: options.env ?? baseEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  let exitedAt: number | undefined;
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.on('exit', () => (exitedAt = performance.now()));
  const done = new Promise<Exited>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    get exitedAt() {
      return exitedAt;
    },
    done,
  };
}

const run = (args: string[], options: StartOptions = {}): Promise<Exited> => start(args, options).done;

/** Polls a condition (no fixed sleep), failing after a generous bound. */
async function until(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface JournalLine {
  type: string;
  projid?: number;
  before?: string | null;
  after?: string | null;
  interrupted?: boolean;
  applied?: number;
}

const changedProjids = (lines: JournalLine[]): number[] =>
  lines
    .filter((l) => l.type === 'change')
    .map((l) => l.projid as number)
    .sort((a, b) => a - b);

/** The project ids in worldDiff lines ("1004: user 10 none→View"). */
const diffProjids = (diff: string[]): number[] =>
  [...new Set(diff.map((l) => Number.parseInt(l, 10)))].sort((a, b) => a - b);

/** `npm run demo`, split: node, the binary, and its arguments. */
const DEMO = PKG.scripts['demo'] ?? '';
const DEMO_ARGS = DEMO.split(' ').slice(2);
/** What the demo replays, from the recordings on disk, shown as on EcoTaxa's public server as the demo is. */
const REPLAY_ARGS = [
  'plan',
  'grant',
  '--all',
  '--replay',
  path.join(ROOT, 'fixtures', 'demo'),
  '--url',
  'https://ecotaxa.obs-vlfr.fr/api',
];

describe('the binary: help, version, usage errors', () => {
  it('--help lists every command and the exit codes, on stdout, exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const commands = r.stdout.slice(r.stdout.indexOf('Commands:'), r.stdout.indexOf('Exit codes:'));
    for (const name of [
      'demo',
      'login',
      'logout',
      'whoami',
      'users',
      'projects',
      'grant',
      'revoke',
      'plan',
      'apply',
      'undo',
      'access',
      'policy',
    ]) {
      expect(commands, name).toMatch(new RegExp(`^ {2}${name}\\b`, 'm'));
    }
    const codes = r.stdout.slice(r.stdout.indexOf('Exit codes:'));
    expect(codes).toMatch(/^ {2}0 +success/m);
    expect(codes).toMatch(/^ {2}1 +error/m);
    expect(codes).toMatch(/^ {2}2 +with --detailed-exitcode: changes pending/m);
    expect(codes).toMatch(/^ {2}130 +interrupted/m);
  });

  it('--version prints the version of package.json', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${PKG.version}\n`);
  });

  it('an unknown command exits 1 with one error line on stderr and nothing on stdout', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*frobnicate.*\n$/);
  });
});

describe('the demo: a recorded plan, no token, no network', () => {
  it('`npm run demo` is `demo` on the binary', () => {
    expect(DEMO).toBe('node bin/ecotaxa-access.js demo');
  });

  it('prints the plan from any folder and exits 0; the same replay exits 2 with --detailed-exitcode', async () => {
    // No ECOTAXA_URL, no ECOTAXA_TOKEN, no credentials file: only the recordings.
    const [demo, detailed] = await Promise.all([run(DEMO_ARGS), run([...REPLAY_ARGS, '--detailed-exitcode'])]);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('Plan: 23 to grant, 6 unchanged, 3 skipped.');
    // On stderr: what the demo is; the skips of --all (not errors; off a terminal, each is
    // listed on stderr too); how to start for real.
    const lines = demo.stderr.split('\n');
    expect(lines[0]).toMatch(/^Demo: a replay of a recorded session of Olivia Owner, an invented owner/);
    expect(lines.slice(1, -2).map((l) => l.slice(0, l.indexOf(':')))).toEqual([
      'project 8 (Bornholm Basin larval fish (legacy contact))',
      'project 9 (North Sea herring larvae 2008 (no contact))',
      'project 10 (PlanktoScope Kiel harbour)',
    ]);
    expect(lines.slice(-2)).toEqual([
      'To start for real: `ecotaxa-access login`, then `ecotaxa-access plan grant --all`.',
      '',
    ]);
    expect(detailed.code).toBe(2);
    expect(detailed.stdout).toBe(demo.stdout);
  });

  it('needs no file but bin/ and dist/: no package.json, no fixtures/ (as installed from npm)', async () => {
    const copy = path.join(home.home, 'installed');
    for (const dir of ['bin', 'dist']) {
      // Not the single executable, if one was built: it is not in the npm package.
      const filter = (file: string): boolean => !path.basename(file).startsWith('ecotaxa-access-');
      fs.cpSync(path.join(ROOT, dir), path.join(copy, dir), { recursive: true, filter });
    }
    const bin = path.join(copy, 'bin', 'ecotaxa-access.js');
    const [version, demo] = await Promise.all([run(['--version'], { bin }), run(['demo'], { bin })]);
    expect(version.stdout).toBe(`${PKG.version}\n`);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('Plan: 23 to grant, 6 unchanged, 3 skipped.');
  });
});

describe('a folder full of configuration code (a repository just cloned)', () => {
  it('runs none of it: not ecotaxa-access.config.*, nor a `.config/config.js` meta-configuration, nor a package.json pointing at code', async () => {
    // cosmiconfig 9, which the tool used to load its configuration with, runs `.config/config.js`
    // from the working folder as soon as it is set up, whatever loaders it is given: this is
    // why the configuration is read by our own data-only loader, in the real process's cwd.
    const repo = path.join(home.home, 'cloned');
    const marker = (name: string): string => path.join(home.home, `ran-${name}`);
    const code = (name: string): string =>
      `require('node:fs').writeFileSync(${JSON.stringify(marker(name))}, 'x');\nmodule.exports = {};\n`;
    fs.mkdirSync(path.join(repo, '.config'), { recursive: true });
    const files: Record<string, string> = {
      '.config/config.js': code('meta-js'),
      '.config/config.cjs': code('meta-cjs'),
      'ecotaxa-access.config.js': code('js'),
      'ecotaxa-access.config.cjs': code('cjs'),
      '.ecotaxa-accessrc.js': code('rc-js'),
      '.config/ecotaxa-accessrc.js': code('config-rc-js'),
      'evil.js': code('evil'),
      'package.json': JSON.stringify({ name: 'cloned', cosmiconfig: { searchPlaces: ['evil.js'] } }),
    };
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(repo, name), text);
    const result = await run(['history'], { cwd: repo });
    expect(result.code).toBe(0);
    expect(fs.readdirSync(home.home).filter((f) => f.startsWith('ran-'))).toEqual([]);
  });
});

describe('colours', () => {
  it('FORCE_COLOR=1 colours the plan; NO_COLOR or --no-color win over it; a pipe gets none by default', async () => {
    const [forced, noColorEnv, noColorFlag, piped] = await Promise.all([
      run(DEMO_ARGS, { cwd: ROOT, env: baseEnv({ FORCE_COLOR: '1' }) }),
      run(DEMO_ARGS, { cwd: ROOT, env: baseEnv({ FORCE_COLOR: '1', NO_COLOR: '1' }) }),
      run([...DEMO_ARGS, '--no-color'], { cwd: ROOT, env: baseEnv({ FORCE_COLOR: '1' }) }),
      run(DEMO_ARGS, { cwd: ROOT }),
    ]);
    for (const r of [forced, noColorEnv, noColorFlag, piped]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Plan: 23 to grant');
    }
    expect(forced.stdout).toContain(ESC);
    expect(noColorEnv.stdout + noColorEnv.stderr).not.toContain(ESC);
    expect(noColorFlag.stdout + noColorFlag.stderr).not.toContain(ESC);
    expect(piped.stdout + piped.stderr).not.toContain(ESC);
  });
});

describe('data on stdout, diagnostics on stderr', () => {
  it('projects list --json: stdout is JSON, stderr is not; a bad token gives one stderr line and no stdout', async () => {
    await startServer(seedWorld());
    const [good, bad] = await Promise.all([
      run(['projects', 'list', '--json'], {
        env: baseEnv(),
      }),
      run(['projects', 'list'], { env: baseEnv({ ECOTAXA_TOKEN: 'not-a-valid-token' }) }),
    ]);
    expect(good.code).toBe(0);
    const rows = JSON.parse(good.stdout) as { projid: number }[];
    expect(rows).toHaveLength(32);
    expect(rows.map((r) => r.projid)).toContain(1);
    expect(good.stderr).not.toMatch(/^\s*[[{]/m);
    expect(good.stderr).not.toContain('"projid"');

    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^error: [^\n]+\n$/);
  });
});

describe('a reader that goes away (`| head -1`)', () => {
  it('--help exits 0 with no stack trace', async () => {
    const help = start(['--help']);
    help.child.stdout?.destroy();
    const exited = await help.done;
    expect(exited.code).toBe(0);
    expect(exited.stderr).toBe('');
  });

  it('a grant whose output is cut short still does every write and finishes its journal', async () => {
    await startServer(seedWorld());
    const before = server.fake.snapshot();
    const grant = start(['grant', '--all', '--yes'], {
      env: baseEnv(),
    });
    // Like `| head -1`: the reader takes the first chunk and closes the pipe.
    grant.child.stdout?.once('data', () => grant.child.stdout?.destroy());
    const exited = await grant.done;
    expect(exited.code).toBe(0);
    expect(exited.stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    const diff = worldDiff(before, server.fake.snapshot());
    expect(diff.filter((l) => /: user 10 none→View$/.test(l))).toHaveLength(23);
    const [file] = journals.files();
    expect(journals.lines<JournalLine>(file as string).at(-1)?.type).toBe('end');
  });
});

describe('a real SIGINT', () => {
  it('during writes: in-flight requests finish, the journal matches the server, exit 130; the same command finishes the job', async () => {
    await startServer(seedScale(60), { latencyMs: 30 });
    const fake = server.fake;
    const env = baseEnv();
    const args = ['grant', '--all', '--yes', '--concurrency', '2'];
    // AqQua is already viewer on every tenth project: 54 to grant.
    const grantable = Array.from({ length: 60 }, (_, i) => i + 1)
      .filter((i) => i % 10 !== 0)
      .map((i) => 1000 + i);
    const before = fake.snapshot();

    const first = start(args, { env });
    let updates = 0;
    let signals = 0;
    fake.onUpdate = () => {
      updates++;
      if (updates === 10 && signals === 0) {
        signals++;
        first.child.kill('SIGINT');
      }
    };
    const r1 = await first.done;
    fake.onUpdate = undefined;
    expect(signals).toBe(1);
    expect(r1.signal).toBeNull();
    expect(r1.code).toBe(130);
    expect(r1.stdout).toContain('Interrupted:');
    expect(r1.stdout).toMatch(/\nNext: run the same command again to do the \d+ not started/);

    const afterFirst = fake.snapshot();
    const diff1 = worldDiff(before, afterFirst);
    const changed1 = diffProjids(diff1);
    // Only AqQua's right changed, and only where it was to be granted.
    expect(diff1).toEqual(changed1.map((id) => `${id}: user ${AQQUA.id} none→View`));
    // Stopped early, but not before the in-flight writes landed.
    expect(changed1.length).toBeGreaterThanOrEqual(10);
    expect(changed1.length).toBeLessThan(grantable.length);
    expect(r1.stdout).toContain(`Interrupted: ${changed1.length} granted, 0 failed`);

    const files1 = journals.files();
    expect(files1).toHaveLength(1);
    const lines1 = journals.lines<JournalLine>(files1[0]);
    expect(changedProjids(lines1)).toEqual(changed1);
    expect(lines1.filter((l) => l.type === 'change').every((l) => l.before === null && l.after === 'View')).toBe(true);
    expect(lines1.at(-1)).toMatchObject({ type: 'end', interrupted: true, applied: changed1.length });

    // The same command again finishes the job, and only the rest is written.
    const r2 = await run(args, { env });
    expect(r2.code).toBe(0);
    expect(r2.stdout).toContain(`Done: ${grantable.length - changed1.length} granted, 0 failed`);
    expect(worldDiff(before, fake.snapshot())).toEqual(grantable.map((id) => `${id}: user ${AQQUA.id} none→View`));
    const files2 = journals.files();
    expect(files2).toHaveLength(2);
    const second = files2.find((f) => f !== files1[0]) as string;
    const lines2 = journals.lines<JournalLine>(second);
    expect(changedProjids(lines2)).toEqual(diffProjids(worldDiff(afterFirst, fake.snapshot())));
    expect(lines2.at(-1)).toMatchObject({ type: 'end', interrupted: false });

    const r3 = await run(['plan', 'grant', '--all'], { env });
    expect(r3.code).toBe(0);
    expect(r3.stdout).toContain('No changes.');
  });

  it('a second Ctrl-C during writes stops at once, and the journal still lists exactly what landed', async () => {
    await startServer(seedScale(20));
    const fake = server.fake;
    // Three writes land; every later one hangs, unanswered and uncommitted.
    let puts = 0;
    server.setFaults((req) => (req.method === 'PUT' && ++puts > 3 ? { kind: 'hang' } : undefined));
    const before = fake.snapshot();
    const env = baseEnv();
    const child = start(['grant', '--all', '--yes', '--concurrency', '2', '--timeout', '25'], { env });

    const requests = server.requests;
    await until('two hanging writes', () => requests.filter((r) => r.fault === 'hang').length === 2);
    child.child.kill('SIGINT');
    await until('the first Ctrl-C to be acknowledged', () => child.stderr.includes('Ctrl-C again'));
    // Requests under way never answer: the first Ctrl-C alone does not end the process.
    expect(child.exitedAt).toBeUndefined();
    const sentAt = performance.now();
    child.child.kill('SIGINT');
    const r = await child.done;
    expect(r.code).toBe(130);
    expect((child.exitedAt as number) - sentAt).toBeLessThan(2_000);

    const landed = diffProjids(worldDiff(before, fake.snapshot()));
    expect(landed).toHaveLength(3);
    const files = journals.files();
    expect(files).toHaveLength(1);
    expect(changedProjids(journals.lines<JournalLine>(files[0] as string))).toEqual(landed);
  });

  it('while only reading: exits 130 at once, well before the slow answers, and writes nothing', async () => {
    const latencyMs = 2_000;
    await startServer(seedScale(20), { latencyMs });
    const fake = server.fake;
    const before = fake.snapshot();
    const env = baseEnv();
    const requests = server.requests;
    // grant, not only plan: a command that would write, stopped while it is still reading.
    const child = start(['grant', '--all', '--yes'], { env });
    await until('a first request', () => requests.length > 0);
    const sentAt = performance.now();
    child.child.kill('SIGINT');
    const r = await child.done;
    expect(r.code).toBe(130);
    expect((child.exitedAt as number) - sentAt).toBeLessThan(latencyMs / 2);
    expect(r.stdout).toBe('');
    expect(requests.filter((q) => q.method === 'PUT')).toEqual([]);
    expect(worldDiff(before, fake.snapshot())).toEqual([]);
    expect(journals.files()).toEqual([]);
  });
});
