import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { FaultSchedule } from '../support/fake-server.js';
import { scriptedFaults } from '../support/faults.js';
import { allOf, ignoresFilters, ignoresWindowStart, readAnsweredWith } from '../support/hostile.js';
import { AQQUA } from '../support/people.js';
import { seedScale } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';
import { worldDiff } from '../support/world-diff.js';

/*
 * A server that answers a read of one project with another, a search with projects that do
 * not match, or pages that repeat: the project nobody selected is never planned or written,
 * whichever read the lie comes on (the plan's, the fresh read before a write, the re-read after
 * a lost answer or a conflict, undo's). The fake's whole state is compared before and after.
 */

const { server, env, start } = useFakeEcoTaxa();

/** The server lies from now on, as `schedule` says. */
const lie = (schedule: FaultSchedule): void => server.setFaults(schedule);

const granted = (projid: number): string => `${projid}: user ${AQQUA.id} none→View`;
const AGAIN =
  "nothing is planned or written from it: run the command again, and if it happens again, check --url or tell the server's administrators";

describe('a read of project 5 answered with project 7', () => {
  it('when planning: nothing is planned or written, exit 1 with one line', async () => {
    lie(readAnsweredWith(server.fake, '5', 7));
    const before = server.fake.snapshot();
    const result = await runCli(['grant', '5', '--yes'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: EcoTaxa at ${server.url} answered GET /projects?project_ids=5 with project 7, which was not asked for: ${AGAIN}\n`,
    );
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
    expect(server.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });

  it('projects list 5 lists nothing, exit 1', async () => {
    lie(readAnsweredWith(server.fake, '5', 7));
    const result = await runCli(['projects', 'list', '5', '--json'], { env });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'api-inconsistent' } });
  });

  it('on the fresh read before the write: project 5 fails with the reason, 7 is not written, the others are', async () => {
    // The plan reads 3 and 5 together; the engine reads each alone, and the lie is on that read.
    lie(readAnsweredWith(server.fake, '5', 7));
    const before = server.fake.snapshot();
    const result = await runCli(['grant', '3', '5', '--yes'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: project 5 (Gotland Basin deep chlorophyll maximum): failed: EcoTaxa at ${server.url} answered GET /projects?project_ids=5 with project 7, which was not asked for: ${AGAIN}\n`,
    );
    expect(worldDiff(before, server.fake.snapshot())).toEqual([granted(3)]);
    expect(server.requests.filter((r) => r.method === 'PUT').map((r) => r.path)).toEqual(['/projects/3']);
  });

  it('on the re-read after a lost answer: the write is unconfirmed, 7 is not written', async () => {
    lie(
      allOf(
        // The first fresh read is honest; the write commits and its answer is lost; every re-read lies.
        readAnsweredWith(server.fake, '5', 7, (nth) => nth > 1),
        scriptedFaults({ 'PUT /projects/5': (nth) => (nth === 1 ? { kind: 'commit-then', status: 502 } : undefined) }),
      ),
    );
    const before = server.fake.snapshot();
    const result = await runCli(['grant', '3', '5', '--yes'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /error: project 5 \(Gotland Basin deep chlorophyll maximum\): unconfirmed: EcoTaxa's answer was lost \(.*\) and the project could not be read again \(EcoTaxa at .* with project 7, which was not asked for: .*\): the change may have landed/,
    );
    // 5 landed (committed before its answer was lost); 7 was never written.
    expect(worldDiff(before, server.fake.snapshot())).toEqual([granted(3), granted(5)]);
    expect(server.requests.filter((r) => r.method === 'PUT').map((r) => r.path)).toEqual([
      '/projects/3',
      '/projects/5',
    ]);
  });

  it('on the re-read after a write conflict: project 5 fails, 7 is not written', async () => {
    lie(
      allOf(
        readAnsweredWith(server.fake, '5', 7, (nth) => nth > 1),
        scriptedFaults({ 'PUT /projects/5': (nth) => (nth === 1 ? { kind: 'conflict' } : undefined) }),
      ),
    );
    const before = server.fake.snapshot();
    const result = await runCli(['grant', '3', '5', '--yes'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: project 5 (Gotland Basin deep chlorophyll maximum): failed: EcoTaxa at');
    expect(worldDiff(before, server.fake.snapshot())).toEqual([granted(3)]);
  });

  it("on undo's read: nothing is put back, nothing else written", async () => {
    const grant = await runCli(['grant', '5', '--yes'], { env });
    expect(grant.code, grant.stderr).toBe(0);
    lie(readAnsweredWith(server.fake, '5', 7));
    const before = server.fake.snapshot();
    const result = await runCli(['undo', '--yes'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('answered GET /projects?project_ids=5 with project 7, which was not asked for');
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });
});

describe('a search that ignores its filter', () => {
  it('grant --title Kiel writes nothing, exit 1', async () => {
    lie(ignoresFilters(server.fake));
    const before = server.fake.snapshot();
    const result = await runCli(['grant', '--title', 'Kiel', '--yes'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: EcoTaxa at \S+ answered GET \/projects\/search\?for_managing=true&title_filter=Kiel&.* with project 3, which does not match title_filter "Kiel": nothing is planned/,
    );
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });
});

describe('a search that ignores window_start', () => {
  it('projects list of 266 projects: exit 1 saying the listing is incomplete, not 100 projects and exit 0', async () => {
    await start(seedScale(266));
    lie(ignoresWindowStart(server.fake));
    const result = await runCli(['projects', 'list'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: the project listing from EcoTaxa at ${server.url} is incomplete: page 2 lists project 1001 a second time (does the server ignore window_start?) (GET /projects/search?for_managing=true&order_field=projid&window_start=100&window_size=100); ${AGAIN}\n`,
    );
    expect(server.requests.filter((r) => r.path === '/projects/search')).toHaveLength(2);
  });

  it('grant --all writes nothing', async () => {
    await start(seedScale(266));
    lie(ignoresWindowStart(server.fake));
    const before = server.fake.snapshot();
    const result = await runCli(['grant', '--all', '--yes'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is incomplete: page 2 lists project 1001 a second time');
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });

  it('control: the same listing, honest, has all 266', async () => {
    await start(seedScale(266));
    const result = await runCli(['projects', 'list', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(266);
  });
});
