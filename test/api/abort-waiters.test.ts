import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TimeoutError } from '../../src/api/errors.js';
import { abortable, realSleep } from '../../src/api/retry.js';
import { applyPlan } from '../../src/apply/run.js';
import { fixedLimit } from '../../src/apply/concurrency-limit.js';
import { GET, setup } from '../support/apply-setup.js';
import { project } from '../support/factory.js';

/*
 * Many projects waiting at once (a backoff, replica lag) share the run's one Ctrl-C signal.
 * Each waiter used to add its own abort listener to it: past ten, Node printed
 * "MaxListenersExceededWarning: Possible EventTarget memory leak detected" in the middle of
 * the progress bar. However many wait, the signal now has one listener, and Ctrl-C still
 * wakes every one of them.
 */

const WAITING = 50;
let warnings: string[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(`${warning.name}: ${warning.message}`);
};

beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

/** Warnings are emitted on a later tick: let them arrive. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe(`${WAITING} waits on one signal`, () => {
  it('realSleep: one abort listener, and Ctrl-C ends every wait', async () => {
    const interrupt = new AbortController();
    const waits = Array.from({ length: WAITING }, () => realSleep(600_000, interrupt.signal));
    expect(getEventListeners(interrupt.signal, 'abort').length).toBeLessThanOrEqual(1);
    interrupt.abort();
    await Promise.all(waits);
    await settle();
    expect(warnings).toEqual([]);
  });

  it('abortable: one abort listener, and Ctrl-C ends every wait', async () => {
    const interrupt = new AbortController();
    const never = new Promise<void>(() => undefined);
    const waits = Array.from({ length: WAITING }, () => abortable(never, interrupt.signal));
    expect(getEventListeners(interrupt.signal, 'abort').length).toBeLessThanOrEqual(1);
    interrupt.abort();
    await Promise.all(waits);
    await settle();
    expect(warnings).toEqual([]);
  });

  it('a wait that ends on its own leaves nothing behind on the signal', async () => {
    const interrupt = new AbortController();
    const done: string[] = [];
    await Promise.all(
      Array.from({ length: WAITING }, (_, i) =>
        abortable(Promise.resolve(), interrupt.signal).then(() => done.push(String(i))),
      ),
    );
    // Aborting later calls none of them again.
    interrupt.abort();
    expect(done).toHaveLength(WAITING);
  });
});

describe(`the apply engine with ${WAITING} projects waiting to retry at once`, () => {
  it('prints no MaxListenersExceededWarning, and every project is applied', async () => {
    const interrupt = new AbortController();
    const projects = Array.from({ length: WAITING }, (_, i) => project({ projid: 101 + i }));
    let listenersWhileWaiting = -1;
    let waiting = 0;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const s = setup(projects, {
      concurrency: fixedLimit(WAITING),
      signal: interrupt.signal,
      // Every wait holds until all the projects wait together, then all go on.
      sleep: () => {
        waiting++;
        if (waiting === WAITING) {
          listenersWhileWaiting = getEventListeners(interrupt.signal, 'abort').length;
          open();
        }
        return gate;
      },
    });
    // Each project's first read fails for a passing reason: it waits, then reads again.
    s.client.readFault = (nth) => (nth <= WAITING ? new TimeoutError(GET, 1000) : undefined);
    const report = await applyPlan(s.options);
    await settle();
    expect(report.results.map((r) => r.outcome)).toEqual(Array<string>(WAITING).fill('applied'));
    expect(waiting).toBe(WAITING);
    expect(warnings).toEqual([]);
    expect(listenersWhileWaiting).toBeLessThanOrEqual(1);
  });
});
