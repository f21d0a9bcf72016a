import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { applyOptionsSchema } from '../../src/cli/commands/apply.js';
import { accessOptionsSchema } from '../../src/cli/commands/access.js';
import { changeOptionsSchemas } from '../../src/cli/commands/change.js';
import { completionOptionsSchema } from '../../src/cli/commands/completion.js';
import { demoOptionsSchema } from '../../src/cli/commands/demo.js';
import { historyOptionsSchema } from '../../src/cli/commands/history.js';
import { loginOptionsSchema } from '../../src/cli/commands/login.js';
import { logoutOptionsSchema } from '../../src/cli/commands/logout.js';
import { policyDumpOptionsSchema } from '../../src/cli/commands/policy-dump.js';
import { listOptionsSchema } from '../../src/cli/commands/projects-list.js';
import { reportOptionsSchema } from '../../src/cli/commands/report.js';
import { syncOptionsSchemas } from '../../src/cli/commands/sync.js';
import { undoOptionsSchema } from '../../src/cli/commands/undo.js';
import { usersFindOptionsSchema } from '../../src/cli/commands/users-find.js';
import { whoamiOptionsSchema } from '../../src/cli/commands/whoami.js';
import { globalOptionsSchema } from '../../src/cli/context.js';
import { parseOptions } from '../../src/cli/options.js';
import { type CommandName, type Invocation, buildProgram } from '../../src/cli/program.js';
import type { Io } from '../../src/output/io.js';
import { caught } from '../support/caught.js';

/*
 * The seam between program.ts (every flag declared, no zod) and each command's strict
 * schema: what a command line becomes, exactly, and that both sides name the same options.
 */

/** Each leaf command's schema, as its module exports it. */
const SCHEMAS: Record<CommandName, z.ZodObject> = {
  demo: demoOptionsSchema,
  login: loginOptionsSchema,
  logout: logoutOptionsSchema,
  whoami: whoamiOptionsSchema,
  'users find': usersFindOptionsSchema,
  'projects list': listOptionsSchema,
  grant: changeOptionsSchemas.grant,
  revoke: changeOptionsSchemas.revoke,
  'plan grant': changeOptionsSchemas['plan grant'],
  'plan revoke': changeOptionsSchemas['plan revoke'],
  apply: applyOptionsSchema,
  undo: undoOptionsSchema,
  history: historyOptionsSchema,
  report: reportOptionsSchema,
  completion: completionOptionsSchema,
  sync: syncOptionsSchemas.sync,
  'plan sync': syncOptionsSchemas['plan sync'],
  access: accessOptionsSchema,
  'policy dump': policyDumpOptionsSchema,
};

function quietIo(): Io {
  const sink = { write: () => true };
  return { stdout: sink, stderr: sink, stdin: (async function* () {})(), env: {}, cwd: process.cwd() };
}

/** What the program hands to its dispatch for `argv`: the real program, a capturing dispatch. */
async function invocation(argv: string[]): Promise<Invocation> {
  const calls: Invocation[] = [];
  const program = buildProgram(quietIo(), (call) => {
    calls.push(call);
    return Promise.resolve();
  });
  await program.parseAsync(argv, { from: 'user' });
  expect(calls).toHaveLength(1);
  return calls[0] as Invocation;
}

/** The program's own defaults: --no-color declares `color`, true unless given. */
const G = { color: true };

const TABLE: [string, string[], Invocation][] = [
  ['demo --json', ['demo', '--json'], { name: 'demo', args: [], options: {}, globals: { ...G, json: true } }],
  ['login', ['login'], { name: 'login', args: [], options: {}, globals: G }],
  [
    'login with a password on stdin',
    ['login', '--email', 'me@example.org', '--password-stdin'],
    { name: 'login', args: [], options: { email: 'me@example.org', passwordStdin: true }, globals: G },
  ],
  [
    'login --token-stdin',
    ['login', '--token-stdin'],
    { name: 'login', args: [], options: { tokenStdin: true }, globals: G },
  ],
  [
    'logout from another server',
    ['logout', '--url', 'https://ecotaxa.example.org/api'],
    { name: 'logout', args: [], options: {}, globals: { ...G, url: 'https://ecotaxa.example.org/api' } },
  ],
  ['whoami --json', ['whoami', '--json'], { name: 'whoami', args: [], options: {}, globals: { ...G, json: true } }],
  [
    'every global option, before the command',
    [
      '--json',
      '-v',
      '-q',
      '--timeout',
      '12.5',
      '--config',
      'my.json',
      '--insecure',
      '--no-color',
      '--record',
      'rec',
      '--scenario',
      'first',
      'whoami',
    ],
    {
      name: 'whoami',
      args: [],
      options: {},
      globals: {
        json: true,
        verbose: true,
        quiet: true,
        timeout: 12.5,
        config: 'my.json',
        insecure: true,
        color: false,
        record: 'rec',
        scenario: 'first',
      },
    },
  ],
  [
    'global options after the command and its arguments',
    ['grant', '7', '--replay', 'fixtures/demo', '--url', 'http://127.0.0.1:8088/api', '--json'],
    {
      name: 'grant',
      args: ['7'],
      options: { right: 'view' },
      globals: { ...G, replay: 'fixtures/demo', url: 'http://127.0.0.1:8088/api', json: true },
    },
  ],
  [
    'users find',
    ['users', 'find', '%Colleague%'],
    { name: 'users find', args: ['%Colleague%'], options: {}, globals: G },
  ],
  ['projects list', ['projects', 'list'], { name: 'projects list', args: [], options: {}, globals: G }],
  [
    'projects list with every option',
    [
      'projects',
      'list',
      '101',
      '200-210',
      '--all-rights',
      '--title',
      'Kiel',
      '--instrument',
      'UVP6',
      '--with-user',
      'colleague@example.org',
      '--csv',
    ],
    {
      name: 'projects list',
      args: ['101', '200-210'],
      options: { allRights: true, title: 'Kiel', instrument: 'UVP6', withUser: 'colleague@example.org', csv: true },
      globals: G,
    },
  ],
  [
    'grant --all --dry-run',
    ['grant', '--all', '--dry-run'],
    { name: 'grant', args: [], options: { all: true, dryRun: true, right: 'view' }, globals: G },
  ],
  [
    'grant with every option',
    [
      'grant',
      '101',
      '2001-2010',
      '--title',
      'Kiel',
      '--instrument',
      'Zooscan',
      '--ids-from',
      '-',
      '--exclude',
      '5',
      '--exclude',
      '7-9',
      '--user',
      'aqqua@geomar.de',
      '--right',
      'annotate',
      '-y',
      '--out',
      'grant.plan.json',
      '--detailed-exitcode',
      '--concurrency',
      'auto',
      '--max-concurrency',
      '16',
      '--strict',
      '--pick',
    ],
    {
      name: 'grant',
      args: ['101', '2001-2010'],
      options: {
        title: 'Kiel',
        instrument: 'Zooscan',
        idsFrom: '-',
        exclude: ['5', '7-9'],
        user: 'aqqua@geomar.de',
        right: 'annotate',
        yes: true,
        out: 'grant.plan.json',
        detailedExitcode: true,
        concurrency: 'auto',
        maxConcurrency: 16,
        strict: true,
        pick: true,
      },
      globals: G,
    },
  ],
  [
    'revoke with a fixed concurrency',
    ['revoke', '--all', '--any-right', '--yes', '--concurrency', '8'],
    {
      name: 'revoke',
      args: [],
      options: { all: true, anyRight: true, yes: true, concurrency: 8, right: 'view' },
      globals: G,
    },
  ],
  [
    'plan grant --out',
    ['plan', 'grant', '--all', '--out', 'grant.plan.json'],
    { name: 'plan grant', args: [], options: { all: true, out: 'grant.plan.json', right: 'view' }, globals: G },
  ],
  [
    'plan grant --pick alone',
    ['plan', 'grant', '--pick'],
    { name: 'plan grant', args: [], options: { pick: true, right: 'view' }, globals: G },
  ],
  [
    'plan revoke --any-right',
    ['plan', 'revoke', '1-5', '--any-right', '--right', 'manage', '--detailed-exitcode'],
    {
      name: 'plan revoke',
      args: ['1-5'],
      options: { anyRight: true, right: 'manage', detailedExitcode: true },
      globals: G,
    },
  ],
  [
    'grant --fix-contact --show-unchanged',
    ['grant', '8', '9', '--fix-contact', '--show-unchanged'],
    { name: 'grant', args: ['8', '9'], options: { fixContact: true, showUnchanged: true, right: 'view' }, globals: G },
  ],
  [
    'plan revoke --fix-contact --show-unchanged',
    ['plan', 'revoke', '--all', '--fix-contact', '--show-unchanged'],
    {
      name: 'plan revoke',
      args: [],
      options: { all: true, fixContact: true, showUnchanged: true, right: 'view' },
      globals: G,
    },
  ],
  [
    'apply --show-unchanged',
    ['apply', 'grant.plan.json', '--show-unchanged'],
    { name: 'apply', args: ['grant.plan.json'], options: { showUnchanged: true }, globals: G },
  ],
  [
    'undo --show-unchanged',
    ['undo', '--show-unchanged'],
    { name: 'undo', args: [], options: { showUnchanged: true }, globals: G },
  ],
  [
    'apply with every option',
    ['apply', 'grant.plan.json', '--yes', '--strict', '--concurrency', '2', '--max-concurrency', '4'],
    {
      name: 'apply',
      args: ['grant.plan.json'],
      options: { yes: true, strict: true, concurrency: 2, maxConcurrency: 4 },
      globals: G,
    },
  ],
  ['undo', ['undo'], { name: 'undo', args: [], options: {}, globals: G }],
  [
    'undo a named run with every option',
    [
      'undo',
      '20261126T210741995Z-624591',
      '--dry-run',
      '--strict',
      '--concurrency',
      'auto',
      '--detailed-exitcode',
      '-y',
    ],
    {
      name: 'undo',
      args: ['20261126T210741995Z-624591'],
      options: { dryRun: true, strict: true, concurrency: 'auto', detailedExitcode: true, yes: true },
      globals: G,
    },
  ],
  [
    'undo two runs at once',
    ['undo', '20261126T210741995Z-624591', '20261127T081502113Z-0c9e4f', '--yes'],
    {
      name: 'undo',
      args: ['20261126T210741995Z-624591', '20261127T081502113Z-0c9e4f'],
      options: { yes: true },
      globals: G,
    },
  ],
  ['history', ['history'], { name: 'history', args: [], options: {}, globals: G }],
  [
    'history of every server, as JSON',
    ['history', '--all-servers', '--json'],
    { name: 'history', args: [], options: { allServers: true }, globals: { ...G, json: true } },
  ],
  [
    'history --ids (hidden: for shell completion)',
    ['--url', 'https://ecotaxa.example.org/api', 'history', '--ids'],
    { name: 'history', args: [], options: { ids: true }, globals: { ...G, url: 'https://ecotaxa.example.org/api' } },
  ],
  ['report', ['report'], { name: 'report', args: [], options: {}, globals: G }],
  [
    'report for AqQua’s form, narrowed',
    ['report', '101', '200-210', '--instrument', 'UVP', '--exclude', '205', '--format', 'markdown'],
    {
      name: 'report',
      args: ['101', '200-210'],
      options: { instrument: 'UVP', exclude: ['205'], format: 'markdown' },
      globals: G,
    },
  ],
  [
    'report with every other selector, another user, as CSV',
    ['report', '--all', '--title', 'Kiel', '--ids-from', 'shared.csv', '--user', 'colleague@example.org', '--csv'],
    {
      name: 'report',
      args: [],
      options: { all: true, title: 'Kiel', idsFrom: 'shared.csv', user: 'colleague@example.org', csv: true },
      globals: G,
    },
  ],
  [
    'report --received as JSON',
    ['report', '--received', '--json'],
    { name: 'report', args: [], options: { received: true }, globals: { ...G, json: true } },
  ],
  ['completion bash', ['completion', 'bash'], { name: 'completion', args: ['bash'], options: {}, globals: G }],
  ['sync', ['sync', 'sharing.yaml'], { name: 'sync', args: ['sharing.yaml'], options: {}, globals: G }],
  [
    'sync with every option',
    [
      'sync',
      'sharing.yaml',
      '--dry-run',
      '--detailed-exitcode',
      '--format',
      'markdown',
      '--out',
      'sync.plan.json',
      '--allow-mass-revoke',
      '--concurrency',
      '2',
      '--max-concurrency',
      '4',
      '--strict',
      '-y',
    ],
    {
      name: 'sync',
      args: ['sharing.yaml'],
      options: {
        dryRun: true,
        detailedExitcode: true,
        format: 'markdown',
        out: 'sync.plan.json',
        allowMassRevoke: true,
        concurrency: 2,
        maxConcurrency: 4,
        strict: true,
        yes: true,
      },
      globals: G,
    },
  ],
  [
    'plan sync for a CI job',
    ['plan', 'sync', 'sharing.yaml', '--replay', 'fixtures/sync', '--detailed-exitcode', '--format', 'markdown'],
    {
      name: 'plan sync',
      args: ['sharing.yaml'],
      options: { detailedExitcode: true, format: 'markdown' },
      globals: { ...G, replay: 'fixtures/sync' },
    },
  ],
  ['access', ['access'], { name: 'access', args: [], options: {}, globals: G }],
  [
    'access with every option',
    [
      'access',
      '101',
      '200-210',
      '--all',
      '--title',
      'Kiel',
      '--instrument',
      'UVP6',
      '--ids-from',
      'ids.txt',
      '--exclude',
      '5',
      '--user',
      'aqqua@geomar.de',
      '--right',
      'view',
      '--by-project',
      '--csv',
      '--format',
      'markdown',
    ],
    {
      name: 'access',
      args: ['101', '200-210'],
      options: {
        all: true,
        title: 'Kiel',
        instrument: 'UVP6',
        idsFrom: 'ids.txt',
        exclude: ['5'],
        user: 'aqqua@geomar.de',
        right: 'view',
        byProject: true,
        csv: true,
        format: 'markdown',
      },
      globals: G,
    },
  ],
  ['policy dump', ['policy', 'dump'], { name: 'policy dump', args: [], options: {}, globals: G }],
  [
    'policy dump with every option, --user repeated',
    [
      'policy',
      'dump',
      '4-9',
      '--all',
      '--title',
      'Kiel',
      '--instrument',
      'UVP',
      '--ids-from',
      '-',
      '--exclude',
      '7',
      '--user',
      '10',
      '--user',
      'colleague@example.org',
      '--include-managers',
      '--authoritative',
      '--out',
      'sharing.yaml',
    ],
    {
      name: 'policy dump',
      args: ['4-9'],
      options: {
        all: true,
        title: 'Kiel',
        instrument: 'UVP',
        idsFrom: '-',
        exclude: ['7'],
        user: ['10', 'colleague@example.org'],
        includeManagers: true,
        authoritative: true,
        out: 'sharing.yaml',
      },
      globals: G,
    },
  ],
];

describe('argv → the exact invocation each command receives', () => {
  it.each(TABLE)('%s', async (_name, argv, expected) => {
    const got = await invocation(argv);
    expect(got).toStrictEqual(expected);
    // And each command's strict schema takes what it is given.
    expect(() => parseOptions(SCHEMAS[got.name], got.options, got.name)).not.toThrow();
    expect(globalOptionsSchema.safeParse(got.globals).success).toBe(true);
  });

  it('the table runs every command', () => {
    expect(new Set(TABLE.map(([, , call]) => call.name))).toEqual(new Set(Object.keys(SCHEMAS)));
  });

  it('completion takes bash, zsh or fish, nothing else', async () => {
    await expect(invocation(['completion', 'powershell'])).rejects.toMatchObject({
      code: 'commander.invalidArgument',
      message:
        "error: command-argument value 'powershell' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.",
    });
  });

  it('--format takes text or markdown, nothing else', async () => {
    await expect(invocation(['plan', 'sync', 'p.yaml', '--format', 'html'])).rejects.toMatchObject({
      code: 'commander.invalidArgument',
      message: "error: option '--format <format>' argument 'html' is invalid. Allowed choices are text, markdown.",
    });
  });

  it('--concurrency takes a whole number or auto, nothing else', async () => {
    await expect(invocation(['grant', '1', '--concurrency', 'Auto'])).rejects.toMatchObject({
      code: 'commander.invalidArgument',
      message: "error: option '--concurrency <n|auto>' argument 'Auto' is invalid. expected a whole number or auto.",
    });
  });
});

/** Every command that runs (not the groups users, projects, plan), by its name. */
function leaves(command: Command, prefix: string[] = []): Map<string, Command> {
  const out = new Map<string, Command>();
  for (const sub of command.commands) {
    const name = [...prefix, sub.name()];
    if (sub.commands.length === 0) out.set(name.join(' '), sub);
    else for (const [n, c] of leaves(sub, name)) out.set(n, c);
  }
  return out;
}

describe('program.ts and the schemas name the same options', () => {
  const program = buildProgram(quietIo(), () => Promise.resolve());

  it('every leaf of the program has a schema, and every schema a leaf', () => {
    expect([...leaves(program).keys()].sort()).toEqual(Object.keys(SCHEMAS).sort());
  });

  it.each([...leaves(program)])('%s: its options are exactly its schema keys', (name, command) => {
    const schema = SCHEMAS[name as CommandName];
    expect(command.options.map((o) => o.attributeName()).sort()).toEqual(Object.keys(schema.shape).sort());
  });

  it('the global options are exactly the global schema keys (--version is commander’s own)', () => {
    const names = program.options.map((o) => o.attributeName()).filter((n) => n !== 'version');
    expect(names.sort()).toEqual(Object.keys(globalOptionsSchema.shape).sort());
  });

  it.each(Object.entries(SCHEMAS))('%s: an option its schema does not know fails loudly', (name, schema) => {
    const err = caught(() => parseOptions(schema, { notAnOption: true }, name as CommandName));
    expect(err.message).toBe(`the options of \`${name}\` do not match its schema (unknown "notAnOption")`);
  });
});

describe('--help stays fast: no zod, no HTTP client, no command body on its path', () => {
  /** Static value imports (not `import type`, not `await import()`) from src/cli/run.ts, transitively. */
  function staticImports(file: string, seen = new Set<string>()): Set<string> {
    if (seen.has(file)) return seen;
    seen.add(file);
    const source = fs.readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^import (?!type\b)[^;]*? from '([^']+)';/gms)) {
      const spec = match[1] as string;
      if (spec.startsWith('.')) staticImports(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')), seen);
      else seen.add(spec);
    }
    return seen;
  }

  it('the binary’s entry reaches commander, not zod, axios, nock or a command module', () => {
    const reached = [...staticImports(path.resolve('src/cli/run.ts'))];
    expect(reached).toContain('commander');
    expect(reached).toContain(path.resolve('src/cli/program.ts'));
    expect(
      reached.filter((m) => /^(zod|axios|nock|ora|yaml|@clack\/prompts)$|\/commands\/|context\.ts$/.test(m)),
    ).toEqual([]);
  });

  it('the context, history and completion load no HTTP client: completing `undo <TAB>` stays offline and quick', () => {
    for (const file of ['src/cli/context.ts', 'src/cli/commands/history.ts', 'src/cli/commands/completion.ts']) {
      expect(
        [...staticImports(path.resolve(file))].filter((m) => /^(axios|nock)$/.test(m)),
        file,
      ).toEqual([]);
    }
  });

  it('grant and revoke load the picker library only when --pick is used', () => {
    const reached = [...staticImports(path.resolve('src/cli/commands/change.ts'))];
    expect(reached).toContain(path.resolve('src/cli/pick.ts'));
    expect(reached).not.toContain('@clack/prompts');
  });
});
