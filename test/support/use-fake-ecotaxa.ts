import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type CliResult, type Home, type RunOptions, type TempHome, runCli, tempHome } from './cli.js';
import type { FakeEcoTaxa } from './fake-ecotaxa.js';
import { type FakeServer, type FakeServerOptions, type FaultSchedule, startFakeServer } from './fake-server.js';
import { AQQUA, OWNER, who } from './people.js';
import { seedWorld } from './seed.js';

/*
 * The set-up of the command tests: the fake EcoTaxa on 127.0.0.1, a private home, the
 * variables that point the tool at both, and the journals its runs leave there. Called at the
 * top of a file (or of a describe), useFakeEcoTaxa() registers its own hooks: a fresh server
 * and home before each test, both gone after it.
 *
 *   const { server, env, cli, journals } = useFakeEcoTaxa();
 *
 *   it('grants AqQua View on project 1', async () => {
 *     expect((await cli(['grant', '1', '--yes'])).code).toBe(0);
 *     expect(server.fake.privilegeOf(1, AQQUA.id)).toBe('View');
 *     expect(journals.lines().map((l) => l.type)).toEqual(['run', 'intent', 'change', 'end']);
 *   });
 *
 * What it returns is made once, when the file is collected, and always shows the current
 * test's: `server`, `home` and `journals` read through to them, and `env` is refilled before
 * each test (a test may spread it, `{ ...env, ECOTAXA_TOKEN: other }`, never assign it).
 */

/** What differs between files: the world, whose token, the server's latency or faults, the terminal. */
export interface FakeEcoTaxaOptions extends Omit<FakeServerOptions, 'faults'> {
  /**
   * The world each test starts with (default: the seed's). `null`: no server before each
   * test; a test starts one of its own with `start()`, or runs with none (offline, replays).
   */
  world?: (() => FakeEcoTaxa) | null;
  /** The faults each test's server injects, made afresh for each test (a schedule counts requests). */
  faults?: () => FaultSchedule;
  /** Whose token ECOTAXA_TOKEN holds (default: Olivia Owner's); `null`: none (a test logs in). */
  caller?: { readonly id: number } | null;
  /** More variables for every command of the file (SOURCE_DATE_EPOCH...), or others in place of ECOTAXA_*. */
  env?: Record<string, string>;
  /** `cli()` pretends stdin and stderr are a terminal, unless a call says otherwise. */
  tty?: RunOptions['tty'];
  /** `cli()` pretends stdout is a terminal this wide, unless a call says otherwise. */
  columns?: number;
  /**
   * 'file': one server and one home for every test of the file (or describe), as for a table
   * of refusals that write nothing; 'test' (the default): fresh ones for each test.
   */
  scope?: 'test' | 'file';
}

/**
 * A journal line as tests read it: the fields of every kind (run, intent, change, end), all
 * optional but the kind. A test that reads more passes its own type to `lines<T>()`.
 */
export interface JournalLine {
  type: 'run' | 'intent' | 'change' | 'end';
  runId: string;
  projid?: number;
  userId?: number;
  before?: string | null;
  after?: string | null;
  interrupted?: boolean;
  applied?: number;
  failed?: number;
  unconfirmed?: number;
  notStarted?: number;
}

/** The journal folder of the current test's home, as the tool writes it. */
export interface Journals {
  /** The folder (there once a run has written). */
  readonly dir: string;
  /** Its files, full paths, in name order, which is the order of the runs; [] with no folder. */
  readonly files: () => string[];
  /** The lines of `file`, parsed; without a file, those of every journal, run after run. */
  readonly lines: <Line = JournalLine>(file?: string) => Line[];
  /** Writes a journal named `name` as the tool would, one JSON line per object; returns its path. */
  readonly write: (name: string, lines: readonly object[]) => string;
  /** Writes `grantRun(runId, server, granted)` in a file named after the run id (made safe); returns its path. */
  readonly writeGrant: (runId: string, server: string, granted?: readonly number[]) => string;
}

export interface FakeEcoTaxaHarness {
  /** The current test's server: `server.fake` is EcoTaxa's state, `server.url` its address. */
  readonly server: FakeServer;
  /** The current test's home: the folder, and HOME and the XDG variables pointing into it. */
  readonly home: Home;
  /** What every command gets: the home's variables, ECOTAXA_URL and ECOTAXA_TOKEN, the file's `env`. */
  readonly env: Record<string, string>;
  /** Runs the CLI in-process with `env`, in the home folder; `options` win over both. */
  readonly cli: (argv: string[], options?: RunOptions) => Promise<CliResult>;
  readonly journals: Journals;
  /**
   * Starts the test's server on `fake` (default: the file's world), closing the one before:
   * `server` and `env` then point at it. For a test that needs a world or faults of its own.
   */
  readonly start: (fake?: FakeEcoTaxa, options?: FakeServerOptions) => Promise<FakeServer>;
  /** Another private home, gone after the test: for a command that must not see the first's files. */
  readonly anotherHome: () => Home;
}

/** Registers the hooks of a fake EcoTaxa and a private home for each test; see the top of this file. */
export function useFakeEcoTaxa(options: FakeEcoTaxaOptions = {}): FakeEcoTaxaHarness {
  const {
    world = seedWorld,
    faults,
    caller = OWNER,
    env: extra = {},
    tty,
    columns,
    scope = 'test',
    ...serving
  } = options;
  let running: FakeServer | undefined;
  let current: TempHome | undefined;
  const others: TempHome[] = [];
  const env: Record<string, string> = {};

  const serverNow = (): FakeServer => {
    if (running !== undefined) return running;
    throw new Error('no fake EcoTaxa is running: this file starts none before each test; call start() first');
  };
  const homeNow = (): TempHome => {
    if (current !== undefined) return current;
    throw new Error('no home outside a test: read it inside a test or a hook');
  };

  /** The variables of the current home and server, in the one object the file holds. */
  function refill(): void {
    for (const key of Object.keys(env)) delete env[key];
    Object.assign(env, homeNow().env);
    if (running !== undefined) {
      env['ECOTAXA_URL'] = running.url;
      if (caller !== null) env['ECOTAXA_TOKEN'] = running.fake.tokenFor(caller.id);
    }
    Object.assign(env, extra);
  }

  async function start(fake?: FakeEcoTaxa, more: FakeServerOptions = {}): Promise<FakeServer> {
    await running?.close();
    running = undefined;
    running = await startFakeServer(fake ?? (world ?? seedWorld)(), { ...serving, faults: faults?.(), ...more });
    refill();
    return running;
  }

  async function setUp(): Promise<void> {
    current = tempHome();
    refill();
    if (world !== null) await start(world());
  }

  async function tearDown(): Promise<void> {
    try {
      await running?.close();
    } finally {
      running = undefined;
      for (const home of [current, ...others.splice(0)]) home?.cleanup();
      current = undefined;
    }
  }

  if (scope === 'file') {
    beforeAll(setUp);
    afterAll(tearDown);
  } else {
    beforeEach(setUp);
    afterEach(tearDown);
  }

  const home = liveHome(homeNow);
  return {
    server: liveServer(serverNow),
    home,
    env,
    cli: (argv, runOptions = {}) => runCli(argv, { env, cwd: home.home, tty, columns, ...runOptions }),
    journals: journalsIn(home),
    start,
    anotherHome: () => {
      const another = tempHome();
      others.push(another);
      return another;
    },
  };
}

/**
 * The lines of a finished run of Olivia's `grant 1` on `server`, as the tool writes them, one
 * a second from 2026-11-26 09:00 UTC: the run, AqQua's View on each project of `granted`, the end.
 */
export function grantRun(runId: string, server: string, granted: readonly number[] = []): object[] {
  const owner = { ...who(OWNER), organisation: null };
  const at = (second: number): string => `2026-11-26T09:00:${String(second).padStart(2, '0')}.000Z`;
  return [
    { type: 'run', version: 1, runId, startedAt: at(0), server, caller: owner, user: owner, command: 'grant 1' },
    ...granted.map((projid, i) => ({
      type: 'change',
      runId,
      time: at(i + 1),
      projid,
      title: 'P',
      userId: AQQUA.id,
      before: null,
      after: 'View',
    })),
    { type: 'end', runId, time: at(granted.length + 1), interrupted: false, applied: granted.length, failed: 0 },
  ];
}

/** A FakeServer that is always the one `now()` gives: the current test's. */
function liveServer(now: () => FakeServer): FakeServer {
  return {
    get fake() {
      return now().fake;
    },
    get url() {
      return now().url;
    },
    get routes() {
      return now().routes;
    },
    get requests() {
      return now().requests;
    },
    get windows() {
      return now().windows;
    },
    get connections() {
      return now().connections;
    },
    setFaults: (schedule) => now().setFaults(schedule),
    close: () => now().close(),
  };
}

/** A Home that is always the one `now()` gives: the current test's. */
function liveHome(now: () => Home): Home {
  return {
    get home() {
      return now().home;
    },
    get env() {
      return now().env;
    },
  };
}

/** The journal folder of `home`, wherever it is when asked. */
function journalsIn(home: Home): Journals {
  const dir = (): string => path.join(home.env['XDG_STATE_HOME'] as string, 'ecotaxa-access', 'journal');
  const files = (): string[] =>
    fs.existsSync(dir())
      ? fs
          .readdirSync(dir())
          .sort()
          .map((name) => path.join(dir(), name))
      : [];
  const write = (name: string, lines: readonly object[]): string => {
    fs.mkdirSync(dir(), { recursive: true });
    const file = path.join(dir(), name);
    fs.writeFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    return file;
  };
  return {
    get dir() {
      return dir();
    },
    files,
    lines: <Line>(file?: string): Line[] =>
      (file === undefined ? files() : [file]).flatMap((f) => {
        const text = fs.readFileSync(f, 'utf8').trim();
        return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line) as Line);
      }),
    write,
    writeGrant: (runId, server, granted = []) =>
      write(`${runId.replace(/[^\w-]/g, '_')}.jsonl`, grantRun(runId, server, granted)),
  };
}
