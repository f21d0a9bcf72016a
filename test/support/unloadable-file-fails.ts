import type { RunnerTestCase } from 'vitest';
import type { Reporter, Vitest } from 'vitest/node';

/*
 * For `npm run mutate` only (vitest.mutate.config.ts): a test file that cannot even be
 * imported counts as one failed test. Stryker's vitest runner builds a mutant's result from
 * the tests collected, and a file whose import throws collects none: a mutant that stops a
 * module from loading (a zod schema that throws when built, a constant that no longer
 * parses) fails every test file that imports it, yet was scored "survived"
 * (stryker-mutator/stryker-js#6150, open up to 10.0.0).
 */
export default class UnloadableFileFails implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  /** The files as Stryker's runner reads them once the run is over: `state.getFiles()`. */
  onTestRunEnd(): void {
    for (const file of this.vitest?.state.getFiles() ?? []) {
      if (file.result?.state !== 'fail' || file.tasks.length > 0) continue;
      // Nothing reads a test's context once the run is over: the one cast.
      file.tasks.push({
        type: 'test',
        id: `${file.id}_load`,
        name: 'the test file loads',
        fullName: `${file.name} the test file loads`,
        mode: 'run',
        file,
        suite: file,
        meta: {},
        annotations: [],
        artifacts: [],
        timeout: 0,
        result: { state: 'fail', errors: file.result.errors ?? [] },
      } as unknown as RunnerTestCase);
    }
  }
}
