import { describe, expect, it } from 'vitest';
import type { CliResult } from '../support/cli.js';
import { scriptedFaults } from '../support/faults.js';
import { AQQUA, COLLEAGUE, INACTIVE } from '../support/people.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';
import { worldDiff } from '../support/world-diff.js';

/*
 * undo over run groups, end to end against the stateful fake: an interrupted job and the
 * re-run that finished it are one group, undone at once; an undo prints the exact command
 * that redoes it. Each test compares the fake's whole state, so any stray write fails it.
 */

const { server, cli } = useFakeEcoTaxa();

/** Runs `argv`, pressing Ctrl-C as the `afterPuts`-th write lands (one write at a time). */
async function interrupted(argv: string[], afterPuts: number): Promise<CliResult> {
  const controller = new AbortController();
  let puts = 0;
  server.fake.onUpdate = () => {
    if (++puts === afterPuts) controller.abort();
  };
  try {
    return await cli([...argv, '--concurrency', '1'], { interrupt: controller.signal });
  } finally {
    server.fake.onUpdate = undefined;
  }
}

/** The command the last line of a run that wrote tells the owner to run to undo (or redo) it. */
function hintedUndo(result: CliResult): string {
  const match = /`ecotaxa-access (undo [^`]+)`/.exec(result.stderr);
  if (match?.[1] === undefined) throw new Error(`no undo hint in:\n${result.stderr}`);
  return match[1];
}

/** The ids of the run groups, as `history --json` lists them (newest first). */
async function groupIds(): Promise<string[]> {
  const history = await cli(['history', '--json']);
  expect(history.code).toBe(0);
  return (JSON.parse(history.stdout) as { id: string }[]).map((g) => g.id);
}

const granted = (projid: number, user = AQQUA.id): string => `${projid}: user ${user} none→View`;
/** Any update of project 2 drops its inactive viewer's right (API-NOTES): no client can put it back. */
const INACTIVE_LOST = `2: user ${INACTIVE.id} View→none`;

describe('an interrupted grant finished by running it again', () => {
  it('is one group: one undo puts back both runs’ changes and nothing else', async () => {
    const before = server.fake.snapshot();
    const first = await interrupted(['grant', '1', '2', '3', '5', '7', '--yes'], 2);
    expect(first.code).toBe(130);
    const firstRun = hintedUndo(first);

    const second = await cli(['grant', '1', '2', '3', '5', '7', '--yes']);
    expect(second.code).toBe(0);
    // The hint names the group (the first run's id), which covers both runs.
    expect(hintedUndo(second)).toBe(firstRun);
    expect(second.stderr).toContain('(with the interrupted run it finished)');
    expect(worldDiff(before, server.fake.snapshot())).toEqual([
      granted(1),
      granted(2),
      INACTIVE_LOST,
      granted(3),
      granted(5),
      granted(7),
    ]);
    expect(await groupIds()).toEqual([firstRun.replace('undo ', '')]);

    const undo = await cli(['undo', '--yes']);
    expect(undo.code).toBe(0);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([INACTIVE_LOST]);
  });

  it('is grouped only with the same job: another selection after an interrupted run is a run of its own', async () => {
    const first = await interrupted(['grant', '--all', '--yes'], 2);
    expect(first.code).toBe(130);
    const other = await cli(['grant', '--title', 'Kiel', '--yes']);
    expect(other.code).toBe(0);
    expect(other.stderr).not.toContain('with the interrupted run');
    expect(await groupIds()).toHaveLength(2);
  });
});

describe('bare undo', () => {
  it('takes the latest group not yet undone, then the one before', async () => {
    const before = server.fake.snapshot();
    await cli(['grant', '1', '--yes']);
    const afterFirst = server.fake.snapshot();
    await interrupted(['grant', '3', '5', '7', '--yes'], 1);
    await cli(['grant', '3', '5', '7', '--yes']);

    const undoLatest = await cli(['undo', '--yes']);
    expect(undoLatest.code).toBe(0);
    expect(worldDiff(afterFirst, server.fake.snapshot())).toEqual([]);

    const undoFirst = await cli(['undo', '--yes']);
    expect(undoFirst.code).toBe(0);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });
});

describe('undo A B', () => {
  it('undoes two groups at once, of different users, and leaves the others alone', async () => {
    const before = server.fake.snapshot();
    const a = hintedUndo(await cli(['grant', '1', '3', '--yes'])).replace('undo ', '');
    await cli(['grant', '5', '--yes']);
    const c = hintedUndo(await cli(['grant', '15', '17', '--user', COLLEAGUE.email, '--yes'])).replace('undo ', '');
    expect(worldDiff(before, server.fake.snapshot())).toEqual([
      granted(1),
      granted(3),
      granted(5),
      granted(15, COLLEAGUE.id),
      granted(17, COLLEAGUE.id),
    ]);

    const undo = await cli(['undo', a, c, '--yes']);
    expect(undo.code).toBe(0);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([granted(5)]);
    // One run undid both: history shows it as the undo of each.
    const history = JSON.parse((await cli(['history', '--json'])).stdout) as {
      id: string;
      undoes: string[];
      undoneBy: string | null;
    }[];
    expect(history[0]?.undoes).toEqual([a, c]);
    expect(history.find((g) => g.id === a)?.undoneBy).toBe(history[0]?.id);
    expect(history.find((g) => g.id === c)?.undoneBy).toBe(history[0]?.id);
  });
});

describe('the hint after an undo', () => {
  it('is the exact command that redoes it, and running it redoes exactly', async () => {
    const before = server.fake.snapshot();
    await cli(['grant', '1', '3', '5', '--yes']);
    const granted135 = server.fake.snapshot();

    const undo = await cli(['undo', '--yes']);
    expect(undo.code).toBe(0);
    const redo = hintedUndo(undo);
    expect(undo.stderr).toContain(`redo it with \`ecotaxa-access ${redo}\``);
    expect(redo).toMatch(/^undo \d{8}T\d{9}Z-[0-9a-f]{6}$/);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);

    const again = await cli([...redo.split(' '), '--yes']);
    expect(again.code).toBe(0);
    expect(worldDiff(granted135, server.fake.snapshot())).toEqual([]);

    // The grant is in effect again: a bare undo takes it back once more.
    const undoAgain = await cli(['undo', '--yes']);
    expect(undoAgain.code).toBe(0);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });
});

describe('an undo that did not complete', () => {
  it('is resumed by the next undo, as one group that one redo puts back', async () => {
    const before = server.fake.snapshot();
    await cli(['grant', '1', '3', '5', '7', '--yes']);
    const grantedAll = server.fake.snapshot();

    const partial = await interrupted(['undo', '--yes'], 2);
    expect(partial.code).toBe(130);
    const undoGroup = hintedUndo(partial);

    const resumed = await cli(['undo', '--yes']);
    expect(resumed.code).toBe(0);
    // The same undo, finished: the redo command names the group of both runs.
    expect(hintedUndo(resumed)).toBe(undoGroup);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
    expect(await groupIds()).toHaveLength(2);

    const redo = await cli([...undoGroup.split(' '), '--yes']);
    expect(redo.code).toBe(0);
    expect(worldDiff(grantedAll, server.fake.snapshot())).toEqual([]);
  });

  it('with failures is resumed too, and the failed project is then put back', async () => {
    const before = server.fake.snapshot();
    await cli(['grant', '1', '3', '--yes']);
    server.setFaults(
      scriptedFaults({
        'PUT /projects/3': () => ({ kind: 'answer', status: 403, body: { detail: "You can't do this." } }),
      }),
    );
    const partial = await cli(['undo', '--yes']);
    expect(partial.code).toBe(1);
    server.setFaults(undefined);
    const resumed = await cli(['undo', '--yes']);
    expect(resumed.code).toBe(0);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
    expect(await groupIds()).toHaveLength(2);
  });
});
