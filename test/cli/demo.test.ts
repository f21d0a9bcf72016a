import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_RECORDINGS } from '../../src/recording/demo-recordings.js';
import { runCli } from '../support/cli.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * `ecotaxa-access demo`: fixtures/demo's `plan grant --all`, replayed from the recordings
 * bundled into the binary, from any folder, with no credentials and no network.
 */

const DEMO_DIR = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'demo');
/** The server an owner would use, which the demo shows instead of the recording's loopback fake. */
const PUBLIC = 'https://ecotaxa.obs-vlfr.fr/api';
const { anotherHome } = useFakeEcoTaxa({ world: null });

afterEach(() => {
  vi.restoreAllMocks();
});

/** A fresh home, used as the working folder too: no fixtures/ anywhere near, no login. */
function elsewhere(): { env: Record<string, string>; cwd: string } {
  const home = anotherHome();
  return { env: home.env, cwd: home.home };
}

const NOTICE =
  'Demo: a replay of a recorded session of Olivia Owner, an invented owner, on a fake EcoTaxa. Nothing is sent anywhere.\n';
const NEXT = 'To start for real: `ecotaxa-access login`, then `ecotaxa-access plan grant --all`.\n';

describe('demo', () => {
  it('prints what `plan grant --all --replay fixtures/demo --url PUBLIC` prints, from another folder, and says what it is on stderr', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const demo = await runCli(['demo'], elsewhere());
    const replay = await runCli(['plan', 'grant', '--all', '--replay', DEMO_DIR, '--url', PUBLIC], elsewhere());
    expect(demo.code).toBe(0);
    expect(replay.code).toBe(0);
    expect(demo.stdout).toBe(replay.stdout);
    // The server an owner would use, not the recording's loopback fake.
    expect(demo.stdout).toMatch(/^Server: {2}https:\/\/ecotaxa\.obs-vlfr\.fr\/api\n/);
    expect(demo.stdout).not.toContain('127.0.0.1');
    expect(demo.stdout).toContain('Plan: 23 to grant, 6 unchanged, 3 skipped.');
    // The replay's own stderr (the skips of --all, listed off a terminal), between two lines.
    expect(demo.stderr).toBe(NOTICE + replay.stderr + NEXT);
    expect(connect).not.toHaveBeenCalled();
  });

  it('takes the global options: --json gives the plan document, --quiet silences stderr', async () => {
    const demo = await runCli(['demo', '--json', '--quiet'], elsewhere());
    const replay = await runCli(
      ['plan', 'grant', '--all', '--json', '--replay', DEMO_DIR, '--url', PUBLIC],
      elsewhere(),
    );
    expect(demo.code).toBe(0);
    expect(demo.stderr).toBe('');
    expect(demo.stdout).toBe(replay.stdout);
    const plan = JSON.parse(demo.stdout) as { format: string; summary: { change: number } };
    expect(plan).toMatchObject({ format: 'ecotaxa-access-plan', server: PUBLIC, summary: { change: 23 } });
  });

  it('refuses --replay and --record before anything starts: no recording is written', async () => {
    for (const flag of ['--replay', '--record']) {
      const { env, cwd } = elsewhere();
      const result = await runCli(['demo', flag, 'recordings'], { env, cwd });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe('error: demo replays its own recording: leave out --replay and --record\n');
      expect(fs.existsSync(path.join(cwd, 'recordings'))).toBe(false);
    }
  });

  it('bundles exactly fixtures/demo: every recording, as committed', () => {
    const files = fs
      .readdirSync(DEMO_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(Object.keys(DEMO_RECORDINGS).sort()).toEqual(files);
    for (const file of files) {
      expect(DEMO_RECORDINGS[file], file).toEqual(JSON.parse(fs.readFileSync(path.join(DEMO_DIR, file), 'utf8')));
    }
  });
});
