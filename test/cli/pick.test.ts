import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { matchesPickFilter } from '../../src/cli/pick.js';
import type { PickChoice, ProjectPicker } from '../../src/output/io.js';
import { AQQUA } from '../support/people.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';
import { worldDiff } from '../support/world-diff.js';

/*
 * --pick: the selected projects in a list to choose from, then the usual plan and
 * confirmation. In-process with a stub list (what it is shown, what it returns), and the real
 * binary under a pseudo-terminal, typed at like a person, against the fake EcoTaxa.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'ecotaxa-access.js');
const DRIVER = path.join(ROOT, 'test', 'support', 'pty-drive.py');

const { server, home, env, cli } = useFakeEcoTaxa();

const granted = (projid: number): string => `${projid}: user ${AQQUA.id} none→View`;

/** A list that picks `ids` and remembers what it was shown. */
function stubPicker(
  ids: number[] | undefined,
): ProjectPicker & { shown: { message: string; choices: PickChoice[] }[] } {
  const shown: { message: string; choices: PickChoice[] }[] = [];
  const picker = (_io: unknown, list: { message: string; choices: PickChoice[] }): Promise<number[] | undefined> => {
    shown.push(list);
    return Promise.resolve(ids);
  };
  return Object.assign(picker, { shown });
}

describe('--pick, in-process with a stub list', () => {
  it('lists the selected projects by id with their title, instrument and the user’s right; applies only those picked', async () => {
    const before = server.fake.snapshot();
    const picker = stubPicker([16, 30]);
    const result = await cli(['grant', '--pick', '--title', 'Kiel', '--yes'], { tty: true, pick: picker });
    expect(result.code).toBe(0);
    expect(picker.shown).toHaveLength(1);
    const { message, choices } = picker.shown[0] as { message: string; choices: PickChoice[] };
    expect(message).toBe("Grant View to AqQua on which projects? (id, title, instrument, AqQua's right now)");
    expect(choices.map((c) => c.projid)).toEqual([1, 2, 10, 16, 30, 31]);
    // Aligned columns (stderr is 120 wide here: nothing is shortened).
    expect(choices.map((c) => c.label)).toEqual([
      ' 1  Kiel Fjord zooplankton 2019    Zooscan       none',
      ' 2  Kiel Fjord zooplankton 2020    Zooscan       none',
      '10  PlanktoScope Kiel harbour      PlanktoScope  none',
      '16  Kiel Canal diatoms             IFCB          none',
      '30  Kiel Bight winter survey 2023  Zooscan       none',
      '31  Kiel Bight summer survey 2023  Zooscan       none',
    ]);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([granted(16), granted(30)]);
    // The journal names the projects picked: the command that repeats this run.
    const history = JSON.parse((await cli(['history', '--json'])).stdout) as { command: string }[];
    expect(history[0]?.command).toBe('grant 16 30');
  });

  it('alone, lists every project you manage; plan grant --pick plans only those picked', async () => {
    const before = server.fake.snapshot();
    const picker = stubPicker([1, 4]);
    const result = await cli(['plan', 'grant', '--pick', '--json'], { tty: true, pick: picker });
    expect(result.code).toBe(0);
    expect(picker.shown[0]?.choices.map((c) => c.projid)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(picker.shown[0]?.choices[3]?.label).toMatch(/^ 4 {2}Baltic Sea transect AL557 +UVP5HD +View$/);
    const plan = JSON.parse(result.stdout) as { projects: { projid: number; action: string }[] };
    expect(plan.projects.map((p) => [p.projid, p.action])).toEqual([
      [1, 'change'],
      [4, 'unchanged'],
    ]);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });

  it('revoke --pick names the right being revoked; cancelling the list changes nothing', async () => {
    const before = server.fake.snapshot();
    const picker = stubPicker(undefined);
    const result = await cli(['revoke', '--pick', '--all'], { tty: true, pick: picker });
    expect(result.code).toBe(1);
    expect(picker.shown[0]?.message).toBe(
      "Revoke AqQua's View on which projects? (id, title, instrument, AqQua's right now)",
    );
    // (After the spinner of the project read: stderr is a terminal here.)
    expect(result.stderr.endsWith('\u001b[?25herror: cancelled at the list: nothing was changed\n')).toBe(true);
    expect(server.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });

  it('without a terminal is a one-line usage error, before any request', async () => {
    for (const options of [{ tty: false }, { tty: true, env: { ...env, CI: 'true' } }]) {
      const result = await cli(['grant', '--pick'], { ...options, pick: stubPicker([1]) });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        'error: --pick shows a list to choose from: it needs a terminal (stdin and stderr, not in CI); name the projects instead (ids, --all, --title, --instrument, --ids-from)\n',
      );
    }
    expect(server.requests).toEqual([]);
  });
});

describe('the list’s filter', () => {
  it('every word typed must appear in the row, in any case', () => {
    const row = '13  Mauritanian shelf FlowCam  FlowCam  none';
    expect(matchesPickFilter('flowcam 13', row)).toBe(true);
    expect(matchesPickFilter('  MAURITANIAN   shelf ', row)).toBe(true);
    expect(matchesPickFilter('flowcam zooscan', row)).toBe(false);
    expect(matchesPickFilter('', row)).toBe(true);
  });
});

describe('--pick on a real terminal (the binary under a pseudo-terminal)', () => {
  it('type a filter, toggle two projects with space, enter, answer yes: exactly those two change', async () => {
    const before = server.fake.snapshot();
    const DOWN = '\u001b[B';
    const steps = [
      { expect: 'Search:' },
      { send: 'kiel' },
      // Filtered to 1, 2, 10, 16, 30, 31; the cursor is on 1.
      { expect: '6 matches' },
      { send: `${DOWN}${DOWN}${DOWN}` },
      { expect: 'Space/Tab' },
      { send: ' ' },
      { expect: '◼ 16  Kiel Canal diatoms' },
      { send: DOWN },
      { send: ' ' },
      { expect: '◼ 30  Kiel Bight winter survey 2023' },
      { send: '\r' },
      // The plan, then the question, waiting for an answer at the end of the screen.
      { expect: '16 .*Kiel Canal diatoms[\\s\\S]*[?:] $' },
      { send: 'yes\r' },
    ];
    const { stdout } = await promisify(execFile)(
      'python3',
      [DRIVER, JSON.stringify(steps), '--', process.execPath, BIN, 'grant', '--pick'],
      {
        cwd: home.home,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', TERM: 'xterm-256color', ...env },
        timeout: 60_000,
      },
    );
    const run = JSON.parse(stdout) as { exitCode: number; output: string; failed: string | null };
    expect(run.failed, run.output).toBeNull();
    expect(run.exitCode, run.output).toBe(0);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([granted(16), granted(30)]);
    // The list said what was picked, then the plan listed those two only.
    expect(run.output).toContain('2 items selected');
    expect(run.output).not.toMatch(/[+!=] +1 +Kiel Fjord/);
  });
});
