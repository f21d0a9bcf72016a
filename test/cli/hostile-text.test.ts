import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { PickChoice, ProjectPicker } from '../../src/output/io.js';
import type { CliResult } from '../support/cli.js';
import { scriptedFaults } from '../support/faults.js';
import { type FakeEcoTaxa, traceback } from '../support/fake-ecotaxa.js';
import { OWNER } from '../support/people.js';
import { A, M, seedWorld } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';
import { worldDiff } from '../support/world-diff.js';

/*
 * Text from outside shows, never commands: names, emails, titles, contact names, rule names
 * and EcoTaxa's error texts carrying escape sequences (a screen clear, a window title, a
 * hyperlink, text hidden by a colour code), a carriage return, an 8-bit CSI, a
 * bidirectional override and a zero-width space reach the terminal as visible escapes, on
 * every command's path; a line end among them leaves a note, warning or error one line;
 * --json keeps the exact text.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'ecotaxa-access.js');
const DRIVER = path.join(ROOT, 'test', 'support', 'pty-drive.py');

/**
 * Clears the screen, homes the cursor, links, returns to the line's start, 8-bit CSI, reverses
 * the text, hides it, and colours it red with the very code our own output uses for errors.
 */
const HOSTILE =
  '\u001b[2J\u001b[H\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007\r\u009b1m\u202eevil\u200b\u001b[8m\u001b[31m';
/** How the terminal shows it: every one of them visible, nothing acted on. */
const SHOWN =
  '\\x1b[2J\\x1b[H\\x1b]8;;https://evil.example\\x07link\\x1b]8;;\\x07\\r\\x9b1m\\u202eevil\\u200b\\x1b[8m\\x1b[31m';

const MALLORY = {
  id: 16,
  name: `Mallory${HOSTILE}`,
  shownName: `Mallory${SHOWN}`,
  email: 'mal\u200blory@example.org',
  shownEmail: 'mal\\u200blory@example.org',
  password: 'Mallory-pass-2024',
};
const TITLE = `Title${HOSTILE}`;
const SHOWN_TITLE = `Title${SHOWN}`;
/** A project whose contact (Mallory) is not a manager: skipped, the reason naming her. */
const LEGACY_TITLE = '=HYPERLINK("https://evil.example","Open")';
const REFUSAL = `Refused${HOSTILE}`;
const SHOWN_REFUSAL = `Refused${SHOWN}`;

/** Sequences our own output writes: our colours, and the spinner's and progress bar's drawing. */
const OURS =
  // eslint-disable-next-line no-control-regex
  /\u001b\[(?:1|2|22|31|32|33|35|36|39)m|\u001b\[\?25[lh]|\u001b\[\?2026[hl]|\r\u001b\[K|\u001b\[\d*G|\u001b\[2K|\u001b\[1A/g;
/** What must never reach a terminal from outside: controls (a line end aside), C1, bidi, invisible. */
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** Nothing in `text` acts on a terminal but our own sequences. */
function expectTerminalSafe(text: string): void {
  const rest = text.replace(OURS, '');
  const at = UNSAFE.exec(rest)?.index;
  expect(at === undefined ? '' : JSON.stringify(rest.slice(Math.max(0, at - 30), at + 30))).toBe('');
}

function expectSafe(result: CliResult): void {
  expectTerminalSafe(result.stdout);
  expectTerminalSafe(result.stderr);
}

/** The seed, with Mallory: a hostile organisation, a hostile title, a legacy project Mallory is the contact of. */
function withMallory(): FakeEcoTaxa {
  const fake = seedWorld();
  fake.addUser({ ...MALLORY, organisation: `Org${HOSTILE}` });
  fake.addProject({ projid: 40, title: TITLE, instrument: 'Zooscan', privileges: [M(OWNER.id, 'C')] });
  fake.addProject({
    projid: 41,
    title: LEGACY_TITLE,
    instrument: 'UVP6',
    privileges: [M(OWNER.id), A(MALLORY.id, 'C')],
  });
  return fake;
}

const { server, home, env, cli } = useFakeEcoTaxa({ world: withMallory });

/** The same, in colour: our colour codes pass, hostile ones do not. */
const colour = { NO_COLOR: undefined, FORCE_COLOR: '1' };

const LEGACY_REASON = `skipped: EcoTaxa refuses to update this legacy project: its contact ${MALLORY.shownName} is not a manager; fix the contact in the web UI, or add --fix-contact`;

describe('the plan and its question', () => {
  it('shows the user escaped in the header, the table and the count of projects left as they are', async () => {
    const result = await cli(['plan', 'grant', '40', '41', '--user', '16']);
    expect(result.code).toBe(0);
    expectSafe(result);
    const lines = result.stdout.split('\n');
    expect(lines[2]).toBe(`User:    ${MALLORY.shownName} <${MALLORY.shownEmail}> (#16)`);
    expect(lines[6]).toBe(`  +  40  ${SHOWN_TITLE}  none → View`);
    expect(lines[7]).toBe(
      `  = 1 project unchanged (${MALLORY.shownName} already has View or higher); --show-unchanged lists them`,
    );
  });

  it('shows a contact’s name escaped in a skip’s reason, in the table and on stderr', async () => {
    const result = await cli(['plan', 'grant', '40', '41']);
    expect(result.code).toBe(1);
    expectSafe(result);
    const lines = result.stdout.split('\n');
    expect(lines[7]).toBe(`  !  41  ${LEGACY_TITLE.padEnd(SHOWN_TITLE.length)}  ${LEGACY_REASON}`);
    expect(result.stderr).toBe(`error: project 41 (${LEGACY_TITLE}): ${LEGACY_REASON}\n`);
  });

  it('in colour, keeps our colour codes and escapes the hostile ones', async () => {
    const result = await cli(['plan', 'grant', '40', '--user', '16'], { env: { ...env, ...colour } });
    expect(result.code).toBe(0);
    expectSafe(result);
    expect(result.stdout).toContain(`\u001b[32m+\u001b[39m  40  ${SHOWN_TITLE}  \u001b[32mnone → View\u001b[39m`);
    expect(result.stdout).toContain('\u001b[1mPlan: 1 to grant, 0 unchanged, 0 skipped.\u001b[22m');
  });

  it('asks a question no name can rewrite (stdin a terminal), and changes nothing on "no"', async () => {
    const before = server.fake.snapshot();
    const result = await cli(['grant', '40', '--user', '16'], { tty: true, stdin: 'no\n' });
    expect(result.code).toBe(1);
    expectSafe(result);
    expect(result.stderr).toContain(
      `Grant View to ${MALLORY.shownName} <${MALLORY.shownEmail}> on 1 project at ${server.url}? Only "yes" or "y" is accepted: `,
    );
    expect(result.stderr.endsWith('error: cancelled: nothing was changed\n')).toBe(true);
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });

  it('with --json on a terminal, the plan on stderr is escaped and the document keeps the exact text', async () => {
    const result = await cli(['grant', '40', '--user', '16', '--json'], { tty: true, stdin: 'no\n' });
    expect(result.code).toBe(1);
    expectSafe(result);
    expect(result.stderr).toContain(`User:    ${MALLORY.shownName} <${MALLORY.shownEmail}> (#16)`);
    const doc = JSON.parse(result.stdout) as { error: { code: string } };
    expect(doc.error.code).toBe('cancelled');
  });

  it('--pick asks its question and lists titles escaped', async () => {
    const shown: { message: string; choices: PickChoice[] }[] = [];
    const picker: ProjectPicker = (_io, list) => {
      shown.push(list);
      return Promise.resolve([40]);
    };
    const result = await cli(['plan', 'grant', '--pick', '40', '41', '--user', '16'], { tty: true, pick: picker });
    expect(result.code).toBe(0);
    expectSafe(result);
    expect(shown[0]?.message).toBe(
      `Grant View to ${MALLORY.shownName} on which projects? (id, title, instrument, ${MALLORY.shownName}'s right now)`,
    );
    // (stderr is 120 columns wide here: the long title is shortened, its escapes shown.)
    const [first, second] = shown[0]?.choices.map((c) => c.label) ?? [];
    expect(first).toMatch(
      /^40 {2}Title\\x1b\[2J\\x1b\[H\\x1b\]8;;https:\/\/evil\.example\\x07link.*… {2}Zooscan {2}none$/,
    );
    expect(SHOWN_TITLE.startsWith(first?.slice(4, first.indexOf('…')) ?? '-')).toBe(true);
    expect(second).toMatch(/^41 {2}=HYPERLINK\("https:\/\/evil\.example","Open"\) +UVP6 {5}Annotate$/);
  });
});

describe('accounts', () => {
  it('login and whoami show the account escaped; --json keeps it exact', async () => {
    const noToken = { ...env, ECOTAXA_TOKEN: undefined };
    const login = await cli(['login', '--email', MALLORY.email, '--password-stdin'], {
      env: noToken,
      stdin: MALLORY.password,
    });
    expect(login.code).toBe(0);
    expectSafe(login);
    expect(login.stdout.split('\n')[0]).toBe(
      `Logged in to ${server.url} as ${MALLORY.shownName} <${MALLORY.shownEmail}> (#16).`,
    );
    const whoami = await cli(['whoami'], { env: noToken });
    expectSafe(whoami);
    expect(whoami.stdout.split('\n').slice(0, 2)).toEqual([
      `${MALLORY.shownName} <${MALLORY.shownEmail}> (#16)`,
      `Organisation:  Org${SHOWN}`,
    ]);
    const json = await cli(['whoami', '--json'], { env: noToken });
    expectSafe(json);
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: MALLORY.name,
      email: MALLORY.email,
      organisation: `Org${HOSTILE}`,
    });
  });

  it('users find shows names escaped, and a query that finds nobody too', async () => {
    const found = await cli(['users', 'find', '%Mallory%']);
    expect(found.code).toBe(0);
    expectSafe(found);
    expect(found.stdout.split('\n')[1]).toBe(`16  ${MALLORY.shownName}  ${MALLORY.shownEmail}  Org${SHOWN}`);
    const none = await cli(['users', 'find', `Nobody${HOSTILE}`]);
    expect(none.code).toBe(1);
    expectSafe(none);
    expect(none.stderr).toContain(`No active user matches "Nobody${SHOWN}"`);
  });
});

describe('projects list', () => {
  it('escapes the user column header, the titles and the summary', async () => {
    const result = await cli(['projects', 'list', '40', '41', '--with-user', '16']);
    expect(result.code).toBe(0);
    expectSafe(result);
    const [header, first] = result.stdout.split('\n');
    // The column is named after the user, in capitals: escaped all the same.
    expect(header).toContain('  MALLORY\\x1b[2J\\x1b[H\\x1b]8;;HTTPS://EVIL.EXAMPLE\\x07LINK');
    expect(first?.startsWith(`40  ${SHOWN_TITLE}  Zooscan`)).toBe(true);
    expect(result.stderr).toBe(`2 projects. ${MALLORY.shownName} <${MALLORY.shownEmail}> has a right on 1.\n`);
  });

  it('--json keeps the exact texts, with C1, bidi and zero-width characters written as \\u escapes', async () => {
    const result = await cli(['projects', 'list', '40', '41', '--with-user', '16', '--json']);
    expectSafe(result);
    expect(result.stdout).toContain('\\u009b1m\\u202eevil\\u200b\\u001b[8m\\u001b[31m');
    const rows = JSON.parse(result.stdout) as { title: string; contact: { name: string }; user: { email: string } }[];
    expect(rows.map((r) => r.title)).toEqual([TITLE, LEGACY_TITLE]);
    expect(rows[1]?.contact.name).toBe(MALLORY.name);
    expect(rows[0]?.user.email).toBe(MALLORY.email);
  });

  it('--csv neutralises formulas and shows controls escaped; --ids-from reads it back', async () => {
    const result = await cli(['projects', 'list', '40', '41', '--with-user', '16', '--csv']);
    expectSafe(result);
    expect(result.stdout.split('\n')).toEqual([
      'projid,title,instrument,status,access,objcount,my_right,contact_name,contact_email,user_email,user_right',
      `40,${SHOWN_TITLE},Zooscan,Annotate,private,,Manage,Olivia Owner,owner@example.org,${MALLORY.shownEmail},`,
      `41,"'=HYPERLINK(""https://evil.example"",""Open"")",UVP6,Annotate,private,,Manage,${MALLORY.shownName},${MALLORY.shownEmail},${MALLORY.shownEmail},Annotate`,
      '',
    ]);
    fs.writeFileSync(path.join(home.home, 'list.csv'), result.stdout);
    const plan = await cli(['plan', 'grant', '--ids-from', 'list.csv', '--json']);
    const doc = JSON.parse(plan.stdout) as { projects: { projid: number }[] };
    expect(doc.projects.map((p) => p.projid)).toEqual([40, 41]);
  });
});

describe('EcoTaxa’s error texts', () => {
  it('an error line quoting EcoTaxa is escaped; --json keeps it exact', async () => {
    server.setFaults(
      scriptedFaults({ 'GET /users/search': () => ({ kind: 'answer', status: 422, body: { detail: REFUSAL } }) }),
    );
    const result = await cli(['users', 'find', 'Carl%']);
    expect(result.code).toBe(1);
    expectSafe(result);
    expect(result.stderr).toMatch(new RegExp(`^error: .*${escapeRegExp(SHOWN_REFUSAL)}.*\\n$`));
    server.setFaults(
      scriptedFaults({ 'GET /users/search': () => ({ kind: 'answer', status: 422, body: { detail: REFUSAL } }) }),
    );
    const json = await cli(['users', 'find', 'Carl%', '--json']);
    expectSafe(json);
    expect((JSON.parse(json.stdout) as { error: { message: string } }).error.message).toContain(REFUSAL);
  });

  it('a failed write: one escaped line per project on stderr, after the run', async () => {
    server.setFaults(
      scriptedFaults({ 'PUT /projects/40': () => ({ kind: 'answer', status: 422, body: { detail: REFUSAL } }) }),
    );
    const result = await cli(['grant', '40', '41', '--yes']);
    expect(result.code).toBe(1);
    expectSafe(result);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors[0]).toMatch(
      new RegExp(`^error: project 40 \\(${escapeRegExp(SHOWN_TITLE)}\\): failed: .*${escapeRegExp(SHOWN_REFUSAL)}`),
    );
    expect(errors[1]).toBe(`error: project 41 (${LEGACY_TITLE}): ${LEGACY_REASON}`);
  });

  it('--verbose shows retries and EcoTaxa’s traceback escaped', async () => {
    const handle = server.fake.handle.bind(server.fake);
    server.fake.handle = (request) =>
      request.path.endsWith('/users/search')
        ? traceback(`RuntimeError: ${REFUSAL.replace('\r', '')}`)
        : handle(request);
    const result = await cli(['users', 'find', 'Carl%', '--verbose']);
    expect(result.code).toBe(1);
    expectSafe(result);
    const gist = `RuntimeError: ${SHOWN_REFUSAL.replace('\\r', '')}`;
    expect(result.stderr).toContain(`retry 1 of GET /users/search?by_name=Carl% in `);
    expect(result.stderr).toContain(`with an internal error (500: ${gist})`);
    // The traceback itself, quoted indented under the error line.
    expect(result.stderr).toContain(`\n  ${gist}\n`);
  });
});

describe('arguments', () => {
  it('the command line parser’s errors quote them escaped', async () => {
    const result = await cli(['projects', `lisst${HOSTILE}`]);
    expect(result.code).toBe(1);
    expectSafe(result);
    expect(result.stderr).toContain(`error: unknown command 'lisst${SHOWN}'`);
  });
});

describe('outside text holding a line end', () => {
  /** What a line of ours would say, after a line end of each kind: shown on the line it is in. */
  const FORGED = 'error: forged';
  const refusing = (route: string, detail: string): void =>
    server.setFaults(scriptedFaults({ [route]: () => ({ kind: 'answer', status: 422, body: { detail } }) }));

  it('an EcoTaxa error text with \\n and \\r in it is one error line, its line ends shown', async () => {
    refusing('GET /users/search', `Refused\n${FORGED}\r\nDone: 0 applied`);
    const result = await cli(['users', 'find', 'Carl%']);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      'error: EcoTaxa refused GET /users/search?by_name=Carl%: Refused\\nerror: forged\\r\\nDone: 0 applied',
      '',
    ]);
  });

  it('a title in the note on a skipped project is one line', async () => {
    server.fake.addProject({
      projid: 42,
      title: `Skagerrak\n${FORGED}\rx`,
      instrument: 'UVP6',
      privileges: [M(OWNER.id), A(MALLORY.id, 'C')],
    });
    const result = await cli(['plan', 'grant', '--title', 'Skagerrak']);
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n')).toEqual([`project 42 (Skagerrak\\nerror: forged\\rx): ${LEGACY_REASON}`, '']);
  });

  it('the command line parser’s errors quote an argument holding a newline on one line, a suggestion after it', async () => {
    const unknown = await cli(['whoami', `--jso\n${FORGED}`]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.split('\n')).toEqual(["error: unknown option '--jso\\nerror: forged'", '']);
    const invalid = await cli(['whoami', '--timeout', `1\n${FORGED}`]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr.split('\n')).toEqual([
      "error: option '--timeout <seconds>' argument '1\\nerror: forged' is invalid. expected a number.",
      '',
    ]);
    const suggested = await cli(['who\nami']);
    expect(suggested.code).toBe(1);
    expect(suggested.stderr.split('\n')).toEqual(["error: unknown command 'who\\nami' (Did you mean whoami?)", '']);
  });

  it('U+2028, U+2029 and U+0085 are shown as escapes, as a newline is, in a failed write’s error line', async () => {
    refusing('PUT /projects/40', `Refused\u2028${FORGED}\u2029\u0085\n${FORGED}`);
    const result = await cli(['grant', '40', '--yes']);
    expect(result.code).toBe(1);
    const [error, journal, ...rest] = result.stderr.split('\n');
    expect(error).toBe(
      `error: project 40 (${SHOWN_TITLE}): failed: EcoTaxa refused the update: Refused\\u2028error: forged\\u2029\\x85\\nerror: forged`,
    );
    expect(journal).toMatch(/^Journal: .*; undo it with `ecotaxa-access undo [\dTZ-]+[0-9a-f]+`$/);
    expect(rest).toEqual(['']);
  });

  it('with --json, the error document keeps the exact text, and stderr its one line', async () => {
    const detail = `Refused\n${FORGED}\r\u2028`;
    refusing('GET /users/search', detail);
    const refused = await cli(['users', 'find', 'Carl%', '--json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.split('\n')).toEqual([
      'error: EcoTaxa refused GET /users/search?by_name=Carl%: Refused\\nerror: forged\\r\\u2028',
      '',
    ]);
    expect(JSON.parse(refused.stdout)).toEqual({
      error: {
        code: 'api-rejected',
        type: 'ValidationError',
        message: `EcoTaxa refused GET /users/search?by_name=Carl%: ${detail}`,
        exitCode: 1,
      },
    });
    const usage = await cli(['whoami', '--jso\nn', '--json']);
    expect(usage.code).toBe(1);
    expect(usage.stderr.split('\n')).toEqual(["error: unknown option '--jso\\nn' (Did you mean --json?)", '']);
    expect(JSON.parse(usage.stdout)).toEqual({
      error: {
        code: 'usage',
        type: 'UsageError',
        message: "unknown option '--jso\nn'\n(Did you mean --json?)",
        exitCode: 1,
      },
    });
  });

  it('--verbose quotes EcoTaxa’s traceback indented under the error line: none of its lines passes for ours', async () => {
    const handle = server.fake.handle.bind(server.fake);
    server.fake.handle = (request) =>
      request.path.endsWith('/users/search') ? traceback(`RuntimeError: bad\n${FORGED}`) : handle(request);
    const result = await cli(['users', 'find', 'Carl%', '--verbose']);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n');
    const error = lines.findIndex((l) => l.startsWith('error: '));
    const message = 'EcoTaxa failed on GET /users/search?by_name=Carl% with an internal error (500: RuntimeError: bad)';
    expect(lines.slice(error, error + 8)).toEqual([
      `error: ${message}; --verbose shows its traceback`,
      '  ----------- BACK-END -------------',
      '  Traceback (most recent call last):',
      '    File "/app/py/main.py", line 1, in handler',
      '      ...',
      '  RuntimeError: bad',
      `  ${FORGED}`,
      `ServerError: ${message}`,
    ]);
    // Then the stack's frames, each a line of its own, and nothing else.
    expect(lines.slice(error + 8, -1).every((l) => l.startsWith('    at '))).toBe(true);
    expect(lines.filter((l) => l.startsWith('error: '))).toHaveLength(1);
  });
});

describe('sync, history and undo', () => {
  it('sync shows rule names and the users escaped in its table, notes and question', async () => {
    fs.writeFileSync(
      path.join(home.home, 'sharing.yaml'),
      [
        'version: 1',
        'rules:',
        '  - name: "mallory\\e[2J\\u202e"',
        '    user: 16',
        '    right: view',
        '    projects: { ids: [40] }',
        '  - name: "none\\e]0;pwned\\a"',
        '    user: 16',
        '    right: view',
        '    projects: { title: "no such title" }',
      ].join('\n'),
    );
    const result = await cli(['sync', 'sharing.yaml'], { tty: true, stdin: 'no\n' });
    expect(result.code).toBe(1);
    expectSafe(result);
    expect(result.stdout).toContain(
      `  +  40  ${SHOWN_TITLE}  ${MALLORY.shownName}  mallory\\x1b[2J\\u202e  none → View`,
    );
    expect(result.stdout).toContain('Note: rules[1] "none\\x1b]0;pwned\\x07" selects none of the projects you manage.');
    expect(result.stderr).toContain(`Apply this policy: 1 grant for 1 user on 1 project at ${server.url}?`);
  });

  it('history and undo show the run’s user escaped', async () => {
    expect((await cli(['grant', '40', '--user', '16', '--yes'])).code).toBe(0);
    const history = await cli(['history'], { columns: 250 });
    expectSafe(history);
    expect(history.stdout.split('\n')[1]).toMatch(
      new RegExp(`  you  ${escapeRegExp(MALLORY.shownName)}  grant 40 --user 16 `),
    );
    const narrow = await cli(['history'], { columns: 60 });
    expectSafe(narrow);
    expect(narrow.stdout).toContain(`    grant 40 --user 16 (${MALLORY.shownName}): 1 applied`);
    const undo = await cli(['undo', '--dry-run']);
    expectSafe(undo);
    expect(undo.stdout.split('\n')[2]).toBe(`User:    ${MALLORY.shownName} <${MALLORY.shownEmail}> (#16)`);
  });
});

describe('the real binary on a pseudo-terminal', () => {
  it('shows the question and the plan with every hostile character visible, none sent raw', async () => {
    const before = server.fake.snapshot();
    const steps = [{ expect: 'accepted: $' }, { send: 'no\r' }];
    const { stdout } = await promisify(execFile)(
      'python3',
      [DRIVER, JSON.stringify(steps), '--', process.execPath, BIN, 'grant', '40', '--user', '16'],
      {
        cwd: home.home,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', TERM: 'xterm-256color', ...env },
        timeout: 60_000,
      },
    );
    const run = JSON.parse(stdout) as { exitCode: number; output: string; raw: string; failed: string | null };
    expect(run.failed, run.output).toBeNull();
    expect(run.exitCode, run.output).toBe(1);
    expect(run.output).toContain(`User:    ${MALLORY.shownName} <${MALLORY.shownEmail}> (#16)`);
    expect(run.output).toContain(`Grant View to ${MALLORY.shownName} <${MALLORY.shownEmail}> on 1 project`);
    // What the terminal received, escape codes and all: none of the hostile ones.
    for (const raw of [
      '\u001b[2J',
      '\u001b[H',
      '\u001b]8;;',
      '\u009b',
      '\u202e',
      '\u200b',
      '\u001b[8m',
      'k\r',
      'm\u001b[31m',
    ]) {
      expect(run.raw.includes(raw), JSON.stringify(raw)).toBe(false);
    }
    expect(worldDiff(before, server.fake.snapshot())).toEqual([]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
