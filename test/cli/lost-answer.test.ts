import { beforeEach, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../support/cli.js';
import { scriptedFaults } from '../support/faults.js';
import { AQQUA } from '../support/people.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';
import { worldDiff } from '../support/world-diff.js';

/*
 * Ctrl-C right after a PUT whose answer was lost (a proxy's 502): the write may have landed,
 * so the project is read again before the run stops, and reported as the re-read shows it —
 * never as "not started". The journal agrees with the server.
 */

const { server, env, journals } = useFakeEcoTaxa();
/** Waits the run asked for (none is really waited). */
let sleeps: number[];

beforeEach(() => {
  sleeps = [];
});

interface Line {
  type: string;
  projid?: number;
  interrupted?: boolean;
  applied?: number;
  failed?: number;
  unconfirmed?: number;
  notStarted?: number;
}

const journal = (): Line[] => journals.lines<Line>();

/** `grant 1 3`, one write at a time; Ctrl-C is pressed as the PUT of project 1 arrives. */
async function grantPressingCtrlC(putOf1: 'commit-then' | 'status', readAgain = true): Promise<CliResult> {
  const controller = new AbortController();
  server.setFaults(
    scriptedFaults({
      'PUT /projects/1': () => {
        controller.abort();
        return putOf1 === 'commit-then' ? { kind: 'commit-then', status: 502 } : { kind: 'status', status: 502 };
      },
      // After Ctrl-C, the re-read of project 1 (a list call) fails if asked to.
      'GET /projects': () => (!readAgain && controller.signal.aborted ? { kind: 'status', status: 503 } : undefined),
    }),
  );
  return runCli(['grant', '1', '3', '--yes', '--concurrency', '1'], { env, interrupt: controller.signal, sleeps });
}

/** The result line of a project (the last line naming it: the plan's comes first). */
function resultOf(stdout: string, projid: number): string {
  const rows = stdout.split('\n').filter((l) => new RegExp(`^  \\S +${projid}  `).test(l));
  return rows.at(-1) ?? '';
}

/** The requests the server saw after the PUT of project 1. */
function afterThePut(): string[] {
  const requests = server.requests.map((r) => `${r.method} ${r.path}`);
  return requests.slice(requests.indexOf('PUT /projects/1') + 1);
}

describe('Ctrl-C after a write whose answer was lost', () => {
  it('the write landed: re-read, reported as granted, journaled; the next project not started', async () => {
    const before = server.fake.snapshot();
    const result = await grantPressingCtrlC('commit-then');
    expect(result.code).toBe(130);
    expect(afterThePut()).toEqual(['GET /projects']);
    expect(sleeps).toEqual([]);
    // Granted needs no attention: no result row, only the counts.
    expect(
      result.stdout
        .split('\n')
        .filter((l) => l !== '')
        .slice(-4),
    ).toEqual([
      'Plan: 2 to grant, 0 unchanged, 0 skipped.',
      '  · 1 change not started: the run stopped before their turn',
      'Interrupted: 1 granted, 0 failed, 1 not started.',
      'Next: run the same command again to do the 1 not started: it reads each project again and changes only what is left.',
    ]);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([`1: user ${AQQUA.id} none→View`]);
    const lines = journal();
    expect(lines.filter((l) => l.type === 'change').map((l) => l.projid)).toEqual([1]);
    expect(lines.at(-1)).toMatchObject({ type: 'end', interrupted: true, applied: 1, failed: 0, notStarted: 1 });
  });

  it('the write did not land: re-read until past the replica lag, reported as not landed, never sent again', async () => {
    const before = server.fake.snapshot();
    const result = await grantPressingCtrlC('status');
    expect(result.code).toBe(130);
    expect(afterThePut()).toEqual(['GET /projects', 'GET /projects', 'GET /projects', 'GET /projects']);
    // Only the replica waits between those re-reads: no backoff after Ctrl-C.
    expect(sleeps).toEqual([1_000, 1_000, 1_000]);
    expect(resultOf(result.stdout, 1)).toBe(
      "  ✗   1  Kiel Fjord zooplankton 2019  failed: interrupted after EcoTaxa's answer was lost; a re-read shows the change did not land: run the same command again",
    );
    expect(result.stdout).toContain('Interrupted: 0 granted, 1 failed, 1 not started.');
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
    expect(journal().filter((l) => l.type === 'change')).toEqual([]);
  });

  it('the project cannot be read again: reported as possibly landed, never as not started', async () => {
    const result = await grantPressingCtrlC('commit-then', false);
    expect(result.code).toBe(130);
    expect(afterThePut()).toEqual(['GET /projects']);
    expect(resultOf(result.stdout, 1)).toBe(
      `  ?   1  Kiel Fjord zooplankton 2019  unconfirmed: EcoTaxa's answer was lost (EcoTaxa at ${server.url} is unavailable: PUT /projects/1 answered 502 Bad Gateway from a proxy; try again later) and the project could not be read again (EcoTaxa at ${server.url} is unavailable: GET /projects?project_ids=1 answered 503 Service Unavailable from a proxy; try again later): the change may have landed; check the project, or run the same command again`,
    );
    expect(result.stdout).toContain('Interrupted: 0 granted, 0 failed, 1 unconfirmed, 1 not started.');
    expect(journal().at(-1)).toMatchObject({ type: 'end', interrupted: true, unconfirmed: 1, notStarted: 1 });
  });
});
