import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/cli.js';
import { startFakeServer } from '../support/fake-server.js';
import {
  CANONICAL_ORIGIN,
  normaliseOrigin,
  REPO_ROOT,
  recordScenario,
  type RecordedRun,
  SCENARIOS,
  SYNC_POLICY,
} from '../support/scenarios.js';
import { OWNER } from '../support/people.js';
import { seedWorld } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * --record and --replay: a recorded command replays to the same stdout and exit code with no
 * server and no credentials; the committed fixtures are what the tool sends today; a replay
 * never opens a socket.
 */

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures');
let scratch: string;
let runs: RecordedRun[];
const { anotherHome } = useFakeEcoTaxa({ world: null });

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-rr-'));
  runs = [];
  for (const scenario of SCENARIOS) runs.push(await recordScenario(scenario, scratch));
});

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

afterEach(() => {
  vi.restoreAllMocks();
});

/** A fresh home with no saved login and no token: a replay needs none. */
const offline = (): Record<string, string> => ({ ...anotherHome().env });

describe('record, then replay with no server and no credentials', () => {
  it.each(SCENARIOS.map((s) => [`${s.dir}/${s.name}`, s] as const))(
    '%s: same stdout, same exit code',
    async (_name, scenario) => {
      const run = runs.find((r) => r.scenario === scenario);
      if (run === undefined) throw new Error('not recorded');
      expect(fs.existsSync(run.file)).toBe(true);
      const replay = await runCli([...scenario.argv, '--replay', path.dirname(run.file)], {
        env: offline(),
        ...(scenario.fromRepo === true ? { cwd: REPO_ROOT } : {}),
      });
      expect(replay.code).toBe(run.code);
      expect(replay.stdout).toBe(run.stdout);
    },
  );
});

describe('the committed fixtures', () => {
  it('are exactly what the tool records today (re-record with `npm run fixtures:record -- --update`)', () => {
    for (const run of runs) {
      const copy = path.join(scratch, 'normalised', run.scenario.dir, `${run.scenario.name}.json`);
      fs.mkdirSync(path.dirname(copy), { recursive: true });
      fs.copyFileSync(run.file, copy);
      normaliseOrigin({ ...run, file: copy });
      const committed = path.join(FIXTURES, run.scenario.dir, `${run.scenario.name}.json`);
      expect(fs.readFileSync(copy, 'utf8'), `fixtures/${run.scenario.dir}/${run.scenario.name}.json`).toBe(
        fs.readFileSync(committed, 'utf8'),
      );
    }
  });

  it("replay offline to the recorded run's output (the demo)", async () => {
    const run = runs.find((r) => r.scenario.dir === 'demo' && r.scenario.name === 'plan-grant');
    if (run === undefined) throw new Error('not recorded');
    const demo = await runCli(['plan', 'grant', '--all', '--replay', path.join(FIXTURES, 'demo')], { env: offline() });
    expect(demo.code).toBe(0);
    expect(demo.stdout).toBe(run.stdout.split(run.origin).join(CANONICAL_ORIGIN));
    expect(demo.stdout).toContain('Plan: 23 to grant, 6 unchanged, 3 skipped.');
  });
});

describe('CI dry-runs against recordings', () => {
  const plan = (dir: string, extra: string[] = []) =>
    runCli(['plan', 'grant', '--all', '--replay', path.join(FIXTURES, dir), '--detailed-exitcode', ...extra], {
      env: offline(),
    });

  it('exits 2 when changes are pending', async () => {
    expect((await plan('demo')).code).toBe(2);
  });

  it('exits 0 when there are none', async () => {
    const result = await plan('granted');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No changes. 29 unchanged, 3 skipped.');
  });

  it('exits 1 on an error, and --json gives the plan for machine checks', async () => {
    const error = await runCli(
      ['plan', 'grant', '99', '--replay', path.join(FIXTURES, 'demo'), '--detailed-exitcode'],
      {
        env: offline(),
      },
    );
    expect(error.code).toBe(1);
    const json = await plan('demo', ['--json']);
    const doc = JSON.parse(json.stdout) as { summary: { change: number }; user: { email: string } };
    expect(doc.summary.change).toBe(23);
    expect(doc.user.email).toBe('aqqua@geomar.de');
  });
});

describe('CI dry-runs of a policy against recordings (README "Sharing as code")', () => {
  const plan = (dir: string, extra: string[] = [], policy = SYNC_POLICY) =>
    runCli(['plan', 'sync', policy, '--replay', path.join(FIXTURES, dir), '--detailed-exitcode', ...extra], {
      env: offline(),
      cwd: REPO_ROOT,
    });

  it('exit 2 while the policy has changes pending, 0 once the server is in step', async () => {
    const pending = await plan('sync');
    expect(pending.code).toBe(2);
    expect(pending.stdout).toContain('Plan: 3 to grant, 3 unchanged, 0 skipped.');
    const synced = await plan('synced');
    expect(synced.code).toBe(0);
    expect(synced.stdout).toContain('No changes. 6 unchanged, 0 skipped.');
  });

  it('the Markdown summary for the job, from sync --dry-run as well', async () => {
    const result = await runCli(
      ['sync', SYNC_POLICY, '--dry-run', '--detailed-exitcode', '--format', 'markdown', '--replay', 'fixtures/sync'],
      { env: offline(), cwd: REPO_ROOT },
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('## ecotaxa-access plan: sync `fixtures/sync/sharing.yaml`\n');
    expect(result.stdout).toContain('**Plan: 3 to grant, 3 unchanged, 0 skipped.**\n');
    expect(result.stdout).toContain('| + | 19 | Cape Verde UVP6 profiles | AqQua | aqqua-uvp | none → View |\n');
  });

  it('exit 1 when the policy is wrong, or asks what the recordings cannot answer', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-policy-'));
    try {
      const bad = path.join(dir, 'bad.yaml');
      fs.writeFileSync(
        bad,
        'version: 1\nrules:\n  - { user: aqqua@geomar.de, right: edit, projects: { all: true } }\n',
      );
      const wrong = await plan('sync', [], bad);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toBe(
        `error: ${bad}:3: rules[0].right: "edit" is not a right: use view, annotate or manage\n`,
      );
      const other = path.join(dir, 'other.yaml');
      fs.writeFileSync(
        other,
        'version: 1\nrules:\n  - { user: Carl Colleague, right: view, projects: { all: true } }\n',
      );
      const miss = await plan('sync', ['--json'], other);
      expect(miss.code).toBe(1);
      expect(JSON.parse(miss.stdout)).toMatchObject({ error: { code: 'replay-miss' } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('replay', () => {
  it('explains a request that was not recorded: method, path, and the closest recorded one', async () => {
    const result = await runCli(['plan', 'grant', '7', '--replay', path.join(FIXTURES, 'demo')], { env: offline() });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: --replay ${path.join(FIXTURES, 'demo')}: no recorded answer for GET /api/projects?project_ids=7; the closest recorded request is GET /api/projects/search?for_managing=true&order_field=projid&window_size=100&window_start=0: record this command again\n`,
    );
  });

  it('never opens a socket, even when --url points at a live server', async () => {
    let connections = 0;
    const live = http.createServer((_req, res) => res.end('{}'));
    live.on('connection', () => connections++);
    await new Promise<void>((resolve) => live.listen(0, '127.0.0.1', resolve));
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    try {
      const url = `http://127.0.0.1:${(live.address() as AddressInfo).port}/api`;
      const result = await runCli(['--url', url, 'plan', 'grant', '--all', '--replay', path.join(FIXTURES, 'demo')], {
        env: offline(),
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Server:  ${url}`);
      const other = await runCli(
        ['--url', 'https://ecotaxa.obs-vlfr.fr/api', 'whoami', '--replay', path.join(FIXTURES, 'demo')],
        {
          env: offline(),
        },
      );
      expect(other.code).toBe(0);
    } finally {
      await new Promise<void>((resolve) => live.close(() => resolve()));
    }
    expect(connections).toBe(0);
    expect(connect).not.toHaveBeenCalled();
  });

  it('answers writes from the recording, changes nothing, and says so', async () => {
    const env = offline();
    const result = await runCli(['grant', '--all', '--yes', '--replay', path.join(FIXTURES, 'granted')], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Done: 23 granted, 0 failed, 3 skipped, 6 already done.');
    expect(result.stderr).toContain('23 writes were answered by the recording; nothing was changed on any server.');
    // No journal either: nothing landed anywhere.
    expect(fs.existsSync(path.join(env.XDG_STATE_HOME as string, 'ecotaxa-access'))).toBe(false);
  });
});

describe('recording a login', () => {
  it('keeps neither the password nor the token, and replays without them', async () => {
    const fake = seedWorld();
    const server = await startFakeServer(fake);
    const env: Record<string, string> = { ...offline(), ECOTAXA_URL: server.url };
    const dir = path.join(scratch, 'login');
    let recorded: Awaited<ReturnType<typeof runCli>>;
    try {
      recorded = await runCli(
        ['login', '--email', OWNER.email, '--password-stdin', '--record', dir, '--scenario', 'login'],
        {
          env,
          stdin: `${OWNER.password}\n`,
        },
      );
      expect(recorded.code).toBe(0);
    } finally {
      await server.close();
    }
    const saved = JSON.parse(
      fs.readFileSync(path.join(env.XDG_CONFIG_HOME as string, 'ecotaxa-access', 'credentials.json'), 'utf8'),
    ) as {
      servers: Record<string, { token: string }>;
    };
    const token = Object.values(saved.servers)[0]?.token ?? '';
    const text = fs.readFileSync(path.join(dir, 'login.json'), 'utf8');
    expect(token.length).toBeGreaterThan(20);
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]);
    expect(text).not.toContain(OWNER.password);
    expect(text).toContain('"password": "<PASSWORD>"');
    expect(text).toContain('"response": "<TOKEN-1>"');

    const replayed = await runCli(['login', '--email', OWNER.email, '--password-stdin', '--replay', dir], {
      env: offline(),
      stdin: 'any password at all\n',
    });
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toBe(recorded.stdout);
    expect(replayed.stderr).toContain('not saved');
  });
});
