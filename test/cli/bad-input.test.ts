import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ME_BODY, projectBody } from '../support/ecotaxa-answers.js';
import { runCli } from '../support/cli.js';
import type { FakeEcoTaxa } from '../support/fake-ecotaxa.js';
import { startFakeServer } from '../support/fake-server.js';
import { AQQUA, AQQUA_ARCHIVE, COLLEAGUE, member, OWNER } from '../support/people.js';
import { seedWorld } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * Bad input, one row each: exit 1, one line on stderr that names what is wrong, no stack
 * trace, and nothing written (the fake's state unchanged, no PUT sent anywhere).
 */

// ---- tiny servers that are not EcoTaxa, or an EcoTaxa that answers odd data ----------

interface TinyServer {
  url: string;
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

type TinyHandler = (
  method: string,
  path: string,
  query: URLSearchParams,
) => { status: number; type: string; body: string };

async function tinyServer(handler: TinyHandler): Promise<TinyServer> {
  const requests: { method: string; path: string }[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const apiPath = url.pathname.replace(/^\/api(?=\/)/, '');
      requests.push({ method: req.method ?? 'GET', path: apiPath });
      const answer = handler(req.method ?? 'GET', apiPath, url.searchParams);
      res.writeHead(answer.status, { 'content-type': answer.type });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>\n';

/** GET /users/me as the real back end answers it (transcripts/real-backend.md [7]). */
const ME = { ...ME_BODY, last_used_projects: [] };

const AQQUA_MIN = member(AQQUA);
const OWNER_MIN = member(OWNER);

/** A project as /projects/search gives it (transcript [22]), except that `managers` is a string. */
const BROKEN_PROJECT = {
  ...projectBody(1),
  title: 'Kiel Fjord zooplankton 2019',
  managers: 'Olivia Owner',
  contact: OWNER_MIN,
};

const jsonAnswer = (status: number, body: unknown) => ({
  status,
  type: 'application/json',
  body: JSON.stringify(body),
});

const schemaHandler: TinyHandler = (method, p) => {
  if (method === 'GET' && p === '/users/me') return jsonAnswer(200, ME);
  if (method === 'GET' && p === '/users/search') return jsonAnswer(200, [AQQUA_MIN]);
  if (method === 'GET' && p === `/users/${AQQUA.id}`) return jsonAnswer(200, AQQUA_MIN);
  if (method === 'GET' && (p === '/projects/search' || p === '/projects')) return jsonAnswer(200, [BROKEN_PROJECT]);
  return jsonAnswer(404, { detail: 'Not Found' });
};

// ---- the world every row runs against -------------------------------------------------

/** One server and one home for every row: a row that wrote would fail, and the rows after it. */
const ecotaxa = useFakeEcoTaxa({ scope: 'file' });
const { server, home } = ecotaxa;
/** The working folder of every row, in the home. */
let cwd: string;
let fake: FakeEcoTaxa;
let htmlServer: TinyServer;
let notFoundServer: TinyServer;
let schemaServer: TinyServer;
/** Requests that reached the non-loopback host of the plain-http row (must stay 0). */
let externalHits = 0;
/** A real plan, made by `plan grant 1 --out`, and its text. */
let planFile: string;
let planText: string;

function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...ecotaxa.env, ...extra };
}

function file(name: string, content: string): string {
  const target = path.join(cwd, name);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content, 'utf8');
  return target;
}

function editedPlan(name: string, edit: (doc: Record<string, unknown>) => void): string {
  const doc = JSON.parse(planText) as Record<string, unknown>;
  edit(doc);
  return file(name, `${JSON.stringify(doc, null, 2)}\n`);
}

/** A directory holding a config file, as the working directory of a run. */
function configDir(name: string, content: string): string {
  const dir = path.join(home.home, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.ecotaxa-accessrc.json'), content, 'utf8');
  return dir;
}

beforeAll(async () => {
  cwd = path.join(home.home, 'cwd');
  fs.mkdirSync(cwd, { recursive: true });
  fs.mkdirSync(path.join(cwd, 'a-directory'), { recursive: true });
  fake = server.fake;
  htmlServer = await tinyServer(() => ({ status: 200, type: 'text/html; charset=utf-8', body: HTML_PAGE }));
  notFoundServer = await tinyServer(() => jsonAnswer(404, { detail: 'Not Found' }));
  schemaServer = await tinyServer(schemaHandler);

  // Anything sent to the plain-http host is counted (and never leaves this process).
  const count = (): [number, string] => {
    externalHits++;
    return [200, '{}'];
  };
  const external = nock('http://ecotaxa.example.org').persist();
  for (const method of ['GET', 'POST', 'PUT']) external.intercept(() => true, method).reply(count);

  planFile = path.join(cwd, 'grant.plan.json');
  const made = await runCli(['plan', 'grant', '1', '--out', planFile], { env: env(), cwd });
  expect(made.code, made.stderr).toBe(0);
  planText = fs.readFileSync(planFile, 'utf8');
  // The plan has a change pending: applying it would write, so a refusal is what keeps it from writing.
  expect((JSON.parse(planText) as { summary: { change: number } }).summary.change).toBe(1);
  expect(fake.log.some((r) => r.method === 'PUT')).toBe(false);
});

afterAll(async () => {
  nock.cleanAll();
  nock.restore();
  await htmlServer?.close();
  await notFoundServer?.close();
  await schemaServer?.close();
});

// ---- the table ------------------------------------------------------------------------

interface Invocation {
  argv: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdin?: string;
  tty?: boolean;
}

interface Row {
  name: string;
  run: () => Invocation;
  /** Every one of these must be in the error line (a string as is, case-sensitive). */
  says: (string | RegExp | (() => string))[];
  /** Refused before any request to EcoTaxa (the fake's log does not grow). */
  offline?: boolean;
}

const grant1 = ['grant', '1', '--yes'];

const rows: Row[] = [
  // commander
  {
    name: 'unknown command grnat',
    run: () => ({ argv: ['grnat', '--all'] }),
    says: ["'grnat'", /unknown command/],
    offline: true,
  },
  {
    name: 'unknown flag --foo',
    run: () => ({ argv: ['grant', '--all', '--foo', '--yes'] }),
    says: ["'--foo'", /unknown option/],
    offline: true,
  },
  {
    name: '--concurrency abc',
    run: () => ({ argv: ['grant', '1', '--concurrency', 'abc', '--yes'] }),
    says: ["'abc'", '--concurrency'],
    offline: true,
  },
  {
    name: '--timeout abc',
    run: () => ({ argv: ['--timeout', 'abc', ...grant1] }),
    says: ["'abc'", '--timeout'],
    offline: true,
  },
  {
    name: 'apply without a file',
    run: () => ({ argv: ['apply', '--yes'] }),
    says: [/missing required argument 'file'/],
    offline: true,
  },

  // ids and ranges
  {
    name: 'id 12x',
    run: () => ({ argv: ['grant', '12x', '--yes'] }),
    says: ['"12x" is not a project id'],
    offline: true,
  },
  {
    name: 'id 0',
    run: () => ({ argv: ['grant', '0', '--yes'] }),
    says: ['"0" is not a project id', 'start at 1'],
    offline: true,
  },
  {
    name: 'id 5,x in a comma list',
    run: () => ({ argv: ['grant', '5,x', '--yes'] }),
    says: ['"x" is not a project id'],
    offline: true,
  },
  {
    name: '--exclude -3',
    run: () => ({ argv: ['grant', '1', '--exclude', '-3', '--yes'] }),
    says: ['--exclude', '"-3"'],
    offline: true,
  },
  // Commander 14 passes a negative number to a leaf command as an operand; an unknown-option error would do too.
  {
    name: 'positional -3',
    run: () => ({ argv: ['grant', '-3', '--yes'] }),
    says: ['-3'],
    offline: true,
  },
  {
    name: 'reversed range 10-5',
    run: () => ({ argv: ['grant', '10-5', '--yes'] }),
    says: ['10-5', 'reversed'],
    offline: true,
  },
  {
    name: 'range too large',
    run: () => ({ argv: ['grant', '1-2000000', '--yes'] }),
    says: ['1-2000000', 'too many'],
    offline: true,
  },
  {
    name: 'no selector at all',
    run: () => ({ argv: ['grant', '--yes'] }),
    says: ['say which projects'],
    offline: true,
  },
  {
    name: 'a selection that matches nothing',
    run: () => ({ argv: ['grant', '--title', 'no-such-title-anywhere', '--dry-run'] }),
    says: ['matched no project', 'no-such-title-anywhere'],
  },

  // --user
  {
    name: '--user nobody@example.org',
    run: () => ({ argv: [...grant1, '--user', 'nobody@example.org'] }),
    says: ['"nobody@example.org"', 'no active EcoTaxa user'],
  },
  {
    name: '--user Nobody',
    run: () => ({ argv: [...grant1, '--user', 'Nobody'] }),
    says: ['"Nobody"', 'no active EcoTaxa user'],
  },
  { name: '--user 999', run: () => ({ argv: [...grant1, '--user', '999'] }), says: ['"999"', '#999'] },
  {
    name: '--user %AqQua% (two users)',
    run: () => ({ argv: [...grant1, '--user', '%AqQua%'] }),
    says: ['"%AqQua%"', 'matches 2 users', AQQUA.email, AQQUA_ARCHIVE.email],
  },

  // numbers and rights
  {
    name: '--concurrency 0',
    run: () => ({ argv: [...grant1, '--concurrency', '0'] }),
    says: ['--concurrency 0', 'from 1 to 32'],
    offline: true,
  },
  {
    name: '--concurrency 1000',
    run: () => ({ argv: [...grant1, '--concurrency', '1000'] }),
    says: ['--concurrency 1000', 'from 1 to 32'],
    offline: true,
  },
  {
    name: '--max-concurrency 0',
    run: () => ({ argv: [...grant1, '--max-concurrency', '0'] }),
    says: ['--max-concurrency 0', 'from 1 to 32'],
    offline: true,
  },
  {
    name: '--max-concurrency beside a number --concurrency',
    run: () => ({ argv: [...grant1, '--concurrency', '4', '--max-concurrency', '16'] }),
    says: ['--max-concurrency 16 only bounds --concurrency auto, but --concurrency is 4'],
    offline: true,
  },
  {
    name: '--max-concurrency beside a number in the config',
    run: () => ({ argv: [...grant1, '--max-concurrency', '16'], cwd: configDir('cfg-fixed', '{"concurrency": 4}\n') }),
    says: [
      '--max-concurrency 16',
      () => `"concurrency" in ${path.join(home.home, 'cfg-fixed', '.ecotaxa-accessrc.json')} is 4`,
    ],
    offline: true,
  },
  {
    name: '--max-concurrency abc',
    run: () => ({ argv: [...grant1, '--max-concurrency', 'abc'] }),
    says: ["'abc'", '--max-concurrency'],
    offline: true,
  },
  { name: '--timeout 0', run: () => ({ argv: ['--timeout', '0', ...grant1] }), says: ['--timeout 0'], offline: true },
  {
    name: '--timeout 601',
    run: () => ({ argv: ['--timeout', '601', ...grant1] }),
    says: ['--timeout 601', '600'],
    offline: true,
  },
  {
    name: '--right owner',
    run: () => ({ argv: [...grant1, '--right', 'owner'] }),
    says: ['"owner"', 'view, annotate or manage'],
    offline: true,
  },

  // --ids-from
  {
    name: '--ids-from a missing file',
    run: () => ({ argv: ['grant', '--ids-from', path.join(cwd, 'missing-ids.txt'), '--yes'] }),
    says: [() => path.join(cwd, 'missing-ids.txt'), 'no such file'],
    offline: true,
  },
  {
    name: '--ids-from a directory',
    run: () => ({ argv: ['grant', '--ids-from', path.join(cwd, 'a-directory'), '--yes'] }),
    says: [() => path.join(cwd, 'a-directory'), 'directory'],
    offline: true,
  },
  {
    name: '--ids-from a CSV without projid/id column',
    run: () => ({
      argv: ['grant', '--ids-from', file('no-id-column.csv', 'title,instrument\nKiel,Zooscan\n'), '--yes'],
    }),
    says: [() => path.join(cwd, 'no-id-column.csv'), '"projid"'],
    offline: true,
  },
  {
    name: '--ids-from a file with the line "abc"',
    run: () => ({ argv: ['grant', '--ids-from', file('abc.txt', 'abc\n'), '--yes'] }),
    says: [() => path.join(cwd, 'abc.txt'), 'abc'],
    offline: true,
  },
  {
    name: '--ids-from a file with "abc" on line 2',
    run: () => ({ argv: ['grant', '--ids-from', file('abc-line-2.txt', '1\nabc\n'), '--yes'] }),
    says: [() => path.join(cwd, 'abc-line-2.txt'), 'line 2', '"abc"'],
    offline: true,
  },
  {
    name: '--ids-from an empty file',
    run: () => ({ argv: ['grant', '--ids-from', file('empty.txt', '# nothing here\n\n'), '--yes'] }),
    says: [() => path.join(cwd, 'empty.txt'), 'no project id'],
    offline: true,
  },

  // plan files for apply
  {
    name: 'apply a missing plan',
    run: () => ({ argv: ['apply', path.join(cwd, 'missing.plan.json'), '--yes'] }),
    says: [() => path.join(cwd, 'missing.plan.json'), 'no such file'],
    offline: true,
  },
  {
    name: 'apply malformed JSON',
    run: () => ({ argv: ['apply', file('malformed.plan.json', '{"format": "ecotaxa-access-plan", '), '--yes'] }),
    says: [() => path.join(cwd, 'malformed.plan.json'), 'not valid JSON'],
    offline: true,
  },
  {
    name: 'apply a truncated plan',
    run: () => ({
      argv: ['apply', file('truncated.plan.json', planText.slice(0, Math.floor(planText.length / 2))), '--yes'],
    }),
    says: [() => path.join(cwd, 'truncated.plan.json'), 'not valid JSON'],
    offline: true,
  },
  {
    name: 'apply a plan of version 99',
    run: () => ({ argv: ['apply', editedPlan('v99.plan.json', (d) => (d['version'] = 99)), '--yes'] }),
    says: [() => path.join(cwd, 'v99.plan.json'), 'version 99'],
    offline: true,
  },
  {
    name: 'apply a plan for another server',
    run: () => ({
      argv: [
        'apply',
        editedPlan('other-server.plan.json', (d) => (d['server'] = 'https://ecotaxa.example.org/api')),
        '--yes',
      ],
    }),
    says: [() => path.join(cwd, 'other-server.plan.json'), 'https://ecotaxa.example.org/api'],
    offline: true,
  },
  {
    name: 'apply a plan whose caller.id was edited',
    run: () => ({
      argv: [
        'apply',
        editedPlan('other-caller.plan.json', (d) => ((d['caller'] as { id: number }).id = COLLEAGUE.id)),
        '--yes',
      ],
    }),
    says: [() => path.join(cwd, 'other-caller.plan.json'), `#${COLLEAGUE.id}`, 'make a new plan as yourself'],
  },
  {
    name: "apply Olivia's plan with Carl's token",
    run: () => ({ argv: ['apply', planFile, '--yes'], env: env({ ECOTAXA_TOKEN: fake.tokenFor(COLLEAGUE.id) }) }),
    says: [() => planFile, OWNER.name, COLLEAGUE.name],
  },
  {
    name: 'apply a JSON that is not a plan',
    run: () => ({ argv: ['apply', file('not-a-plan.json', '{"hello": "world"}\n'), '--yes'] }),
    says: [() => path.join(cwd, 'not-a-plan.json'), 'not an ecotaxa-access plan'],
    offline: true,
  },
  {
    name: 'apply a plan with an invalid entry',
    run: () => ({
      argv: [
        'apply',
        editedPlan('bad-entry.plan.json', (d) => ((d['projects'] as { projid: number }[])[0]!.projid = -1)),
        '--yes',
      ],
    }),
    says: [() => path.join(cwd, 'bad-entry.plan.json'), 'projects.0.projid'],
    offline: true,
  },

  // configuration files
  {
    name: 'config {"concurrency": "four"}',
    run: () => ({ argv: grant1, cwd: configDir('cfg-four', '{"concurrency": "four"}\n') }),
    says: [() => path.join(home.home, 'cfg-four', '.ecotaxa-accessrc.json'), '"concurrency"', '"four"'],
    offline: true,
  },
  {
    name: 'config {"colour": true}',
    run: () => ({ argv: grant1, cwd: configDir('cfg-colour', '{"colour": true}\n') }),
    says: [() => path.join(home.home, 'cfg-colour', '.ecotaxa-accessrc.json'), '"colour"'],
    offline: true,
  },
  {
    name: 'config file that is not JSON',
    run: () => ({ argv: grant1, cwd: configDir('cfg-broken', '{"concurrency": 4,\n') }),
    // The line must say what is wrong with it, not stop at a dangling colon.
    says: [() => path.join(home.home, 'cfg-broken', '.ecotaxa-accessrc.json'), 'JSON', /[^:\s]$/],
    offline: true,
  },
  {
    name: '--config a missing file',
    run: () => ({ argv: ['--config', path.join(cwd, 'missing-config.json'), ...grant1] }),
    says: [() => path.join(cwd, 'missing-config.json'), 'does not exist'],
    offline: true,
  },

  // servers and URLs
  {
    name: 'a URL answering HTML',
    run: () => ({ argv: ['--url', htmlServer.url, ...grant1] }),
    says: [() => htmlServer.url, 'does not look like an EcoTaxa API', 'HTML'],
  },
  {
    name: 'a URL answering 404 {"detail":"Not Found"} everywhere',
    run: () => ({ argv: ['--url', notFoundServer.url, ...grant1] }),
    says: [() => notFoundServer.url, 'does not look like an EcoTaxa API'],
  },
  {
    name: 'plain http:// to a non-loopback host',
    run: () => ({ argv: ['--url', 'http://ecotaxa.example.org/api', ...grant1] }),
    says: ['plain http://', 'ecotaxa.example.org', '--insecure'],
    offline: true,
  },
  {
    name: '--url ftp://',
    run: () => ({ argv: ['--url', 'ftp://ecotaxa.example.org/api', ...grant1] }),
    says: ['"ftp://ecotaxa.example.org/api"'],
    offline: true,
  },
  {
    name: 'ECOTAXA_URL that is not a URL',
    run: () => ({ argv: grant1, env: env({ ECOTAXA_URL: 'not a url' }) }),
    says: ['ECOTAXA_URL', '"not a url"'],
    offline: true,
  },
  {
    name: 'an expired token',
    run: () => ({
      argv: grant1,
      env: env({ ECOTAXA_TOKEN: fake.tokenFor(OWNER.id, new Date(Date.now() - 32 * 86_400e3)) }),
    }),
    says: ['expired', 'ECOTAXA_TOKEN'],
    offline: true,
  },
  {
    name: 'a token EcoTaxa rejects',
    run: () => ({ argv: grant1, env: env({ ECOTAXA_TOKEN: 'not-a-valid-token' }) }),
    says: [() => server.url, 'rejected the token in ECOTAXA_TOKEN'],
  },
  {
    name: 'no token at all',
    run: () => ({ argv: grant1, env: env({ ECOTAXA_TOKEN: undefined }) }),
    says: [() => server.url, 'not logged in'],
    offline: true,
  },
  {
    name: 'a project whose managers is a string',
    run: () => ({ argv: ['--url', schemaServer.url, 'grant', '--all', '--user', String(AQQUA.id), '--yes'] }),
    says: ['managers', 'does not understand'],
  },

  // contradictory options
  {
    name: '--record DIR --replay DIR',
    run: () => ({ argv: ['--record', path.join(cwd, 'rec'), '--replay', path.join(cwd, 'rec'), ...grant1] }),
    says: ['--record', '--replay'],
    offline: true,
  },
  {
    name: '--scenario without --record',
    run: () => ({ argv: ['--scenario', 'x', ...grant1] }),
    says: ['--scenario', '--record'],
    offline: true,
  },
  {
    name: 'grant 1 --dry-run --yes',
    run: () => ({ argv: ['grant', '1', '--dry-run', '--yes'] }),
    says: ['--dry-run', '--yes'],
    offline: true,
  },
  {
    name: 'grant 1 without --yes and without a TTY',
    run: () => ({ argv: ['grant', '1'] }),
    says: ['without confirmation', '--yes', '1 project'],
  },
];

function text(part: string | RegExp | (() => string)): string | RegExp {
  return typeof part === 'function' ? part() : part;
}

describe('bad input: exit 1, one line on stderr, nothing written', () => {
  it.each(rows)('$name', async (row) => {
    const invocation = row.run();
    const before = fake.snapshot();
    const logBefore = fake.log.length;
    const tinyBefore = [htmlServer, notFoundServer, schemaServer].map((s) => s.requests.length);

    const result = await runCli(invocation.argv, {
      env: invocation.env ?? env(),
      cwd: invocation.cwd ?? cwd,
      stdin: invocation.stdin,
      tty: invocation.tty,
    });

    const context = `argv: ${invocation.argv.join(' ')}\nstderr:\n${result.stderr}`;
    expect(result.code, context).toBe(1);
    expect(result.stderr, context).not.toMatch(/^\s+at /m);
    const lines = result.stderr.trim().split('\n');
    const first = lines[0] ?? '';
    expect(first, context).toMatch(/^error: \S/);
    // Commander's own errors too: a "(Did you mean ...?)" ends the line.
    expect(lines, context).toHaveLength(1);
    for (const part of row.says) {
      const wanted = text(part);
      if (typeof wanted === 'string') expect(first, context).toContain(wanted);
      else expect(first, context).toMatch(wanted);
    }

    // Nothing written, here or anywhere.
    expect(fake.snapshot()).toEqual(before);
    expect(fake.log.filter((r) => r.method !== 'GET')).toEqual([]);
    for (const tiny of [htmlServer, notFoundServer, schemaServer]) {
      expect(tiny.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    }
    expect(externalHits).toBe(0);
    if (row.offline === true) {
      expect(fake.log.slice(logBefore)).toEqual([]);
      expect([htmlServer, notFoundServer, schemaServer].map((s) => s.requests.length)).toEqual(tinyBefore);
    }
  });
});

describe('--json', () => {
  it.each([
    { name: 'grant --json (no selector)', argv: ['grant', '--json'], says: 'say which projects' },
    { name: 'grant --all --foo --json (commander)', argv: ['grant', '--all', '--foo', '--json'], says: "'--foo'" },
  ])('$name puts {error: {message}} on stdout and exits 1', async ({ argv, says }) => {
    const before = fake.snapshot();
    const result = await runCli(argv, { env: env(), cwd });
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout) as { error?: { message?: unknown; exitCode?: unknown } };
    expect(typeof doc.error?.message).toBe('string');
    expect(doc.error?.message).toContain(says);
    expect(doc.error?.message).not.toMatch(/^error:/);
    expect(doc.error?.exitCode).toBe(1);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(fake.snapshot()).toEqual(before);
  });
});

describe('control', () => {
  it('the good counterpart of the rows writes: the saved plan applies', async () => {
    // The rows' "nothing written" means something only if the same setup can write.
    const own = await startFakeServer(seedWorld());
    try {
      const ownEnv = { ...home.env, ECOTAXA_URL: own.url, ECOTAXA_TOKEN: own.fake.tokenFor(OWNER.id) };
      const out = path.join(cwd, 'control.plan.json');
      const planned = await runCli(['plan', 'grant', '1', '--out', out], { env: ownEnv, cwd });
      expect(planned.code, planned.stderr).toBe(0);
      const applied = await runCli(['apply', out, '--yes'], { env: ownEnv, cwd });
      expect(applied.code, applied.stderr).toBe(0);
      expect(own.fake.log.filter((r) => r.method === 'PUT')).toHaveLength(1);
      expect(own.fake.privilegeOf(1, AQQUA.id)).toBe('View');
    } finally {
      await own.close();
    }
  });
});
