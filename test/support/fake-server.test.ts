import { afterEach, describe, expect, it } from 'vitest';
import type { FakeRequest } from './fake-ecotaxa.js';
import { type FakeServer, type FakeServerOptions, startFakeServer } from './fake-server.js';
import { conflictFaults } from './faults.js';
import { AQQUA, member, OWNER } from './people.js';
import { KIND, seedScale, seedWorld } from './seed.js';
import { worldDiff } from './world-diff.js';

/*
 * What issue 9's benchmark and tests rely on in the fake EcoTaxa: one API worker, the
 * read-to-write window it measures, and EcoTaxa's answer to overlapping writes. Timings are
 * only checked from below (a queue can never serve faster than its service times).
 */

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: FakeServerOptions = {}): Promise<FakeServer> {
  server = await startFakeServer(seedScale(6), options);
  return server;
}

const headers = (s: FakeServer): Record<string, string> => ({
  Authorization: `Bearer ${s.fake.tokenFor(OWNER.id)}`,
  'Content-Type': 'application/json',
});

type Model = Record<string, unknown> & { viewers: { id: number }[] };

async function read(s: FakeServer, projid: number): Promise<Model> {
  const answer = await fetch(`${s.url}/projects?project_ids=${projid}`, { headers: headers(s) });
  return ((await answer.json()) as Model[])[0] as Model;
}

/** PUTs the project as read, with AqQua added to its viewers. */
function grant(s: FakeServer, project: Model): Promise<Response> {
  const body = {
    ...project,
    viewers: [...project.viewers, member(AQQUA)],
  };
  return fetch(`${s.url}/projects/${project['projid'] as number}`, {
    method: 'PUT',
    headers: headers(s),
    body: JSON.stringify(body),
  });
}

/** Resolves once the server has received `n` requests (event-driven, no timed wait). */
async function received(s: FakeServer, n: number): Promise<void> {
  while (s.requests.length < n) await new Promise((resolve) => setImmediate(resolve));
}

// setTimeout may fire up to a millisecond early; a little slack for the lower bounds.
const SLACK_MS = 2;

describe('the fake with one API worker', () => {
  it('serves requests one at a time, in arrival order, each for its service time', async () => {
    const s = await start({ worker: { readMs: 20, writeMs: 40 } });
    const projects = await Promise.all([1001, 1002, 1003].map((id) => read(s, id)));
    const commits: { projid: number; at: number }[] = [];
    s.fake.onUpdate = (projid) => commits.push({ projid, at: performance.now() });
    const started = performance.now();
    const answers: Promise<Response>[] = [];
    for (const project of projects) {
      answers.push(grant(s, project));
      await received(s, s.requests.length + 1);
    }
    expect((await Promise.all(answers)).map((a) => a.status)).toEqual([200, 200, 200]);
    expect(commits.map((c) => c.projid)).toEqual([1001, 1002, 1003]);
    // Each write committed at the end of its own service, after the one before it.
    expect(commits[0]!.at - started).toBeGreaterThanOrEqual(40 - SLACK_MS);
    expect(commits[1]!.at - commits[0]!.at).toBeGreaterThanOrEqual(40 - SLACK_MS);
    expect(commits[2]!.at - commits[1]!.at).toBeGreaterThanOrEqual(40 - SLACK_MS);
  });

  it('takes a read’s state at the end of its service: a read queued behind a write sees it', async () => {
    const s = await start({ worker: { readMs: 10, writeMs: 40 } });
    const project = await read(s, 1001);
    const before = s.requests.length;
    const written = grant(s, project);
    await received(s, before + 1);
    const after = read(s, 1001);
    expect((await written).status).toBe(200);
    expect((await after).viewers.map((v) => v.id)).toContain(AQQUA.id);
    // No overlap detection with a worker: writes are serialised, as on a one-worker EcoTaxa.
    const again = await Promise.all([grant(s, project), grant(s, project)]);
    expect(again.map((a) => a.status)).toEqual([200, 200]);
  });
});

describe('the read-to-write window the fake measures', () => {
  it('runs from the last read that showed the project to the commit of its write', async () => {
    const s = await start({ latencyMs: 15, worker: { readMs: 10, writeMs: 30 } });
    const project = await read(s, 1002);
    expect((await grant(s, project)).status).toBe(200);
    expect(s.windows).toHaveLength(1);
    expect(s.windows[0]?.projid).toBe(1002);
    // The read's answer travels back (15 ms), then the write waits for its service (30 ms).
    expect(s.windows[0]?.ms).toBeGreaterThanOrEqual(45 - SLACK_MS);
  });

  it('counts a search page as a read of each project on it, and no window for a write never read', async () => {
    const s = await start();
    const page = (await (
      await fetch(`${s.url}/projects/search?for_managing=true&order_field=projid`, { headers: headers(s) })
    ).json()) as Model[];
    expect(page).toHaveLength(6);
    await grant(s, page[2] as Model);
    expect(s.windows.map((w) => w.projid)).toEqual([1003]);
    const fresh = await startFakeServer(seedScale(2));
    try {
      const unread = { ...(await read(s, 1001)), projid: 1001 };
      await grant(fresh, unread);
      expect(fresh.windows).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});

const CONFLICT =
  /^----------- BACK-END -------------\n(?:.*\n)*sqlalchemy\.exc\.IntegrityError: \(psycopg2\.errors\.UniqueViolation\) duplicate key value violates unique constraint "IS_ProjectsPriv"\nDETAIL: {2}Key \(projid, member\)=\(1004, 9\) already exists\.\n/;

describe('EcoTaxa’s answer to overlapping writes', () => {
  it('as a fault: a 500 text/plain IntegrityError traceback, and nothing committed', async () => {
    const s = await start({
      faults: (req: FakeRequest) => (req.method === 'PUT' ? { kind: 'conflict' } : undefined),
    });
    const project = await read(s, 1004);
    const before = s.fake.snapshot();
    const answer = await grant(s, project);
    expect(answer.status).toBe(500);
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await answer.text()).toMatch(CONFLICT);
    expect(worldDiff(before, s.fake.snapshot())).toEqual([]);
    expect(s.windows).toEqual([]);
    expect(s.requests.at(-1)).toEqual({ method: 'PUT', path: '/projects/1004', fault: 'conflict' });
  });

  it('on a project’s first update, the variables row’s key', async () => {
    const s = await start({
      faults: (req) => (req.method === 'PUT' ? { kind: 'conflict', constraint: 'projects_variables_pkey' } : undefined),
    });
    const answer = await grant(s, await read(s, 1005));
    expect(answer.status).toBe(500);
    const text = await answer.text();
    expect(text).toMatch(/^----------- BACK-END -------------\n/);
    expect(text).toContain(
      'sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "projects_variables_pkey"\nDETAIL:  Key (project_id)=(1005) already exists.',
    );
  });

  it('for real: a PUT arriving while another PUT of the project is being served fails, and the first stands', async () => {
    const s = await start({ latencyMs: 50 });
    const project = await read(s, 1004);
    const before = s.fake.snapshot();
    const first = grant(s, project);
    await received(s, s.requests.length + 1);
    // The first is committed and its answer still on its way: a colleague's write arrives.
    const colleague = {
      ...project,
      viewers: [{ id: 12, email: 'victor@example.org', name: 'Victor Villefranche', organisation: 'IMEV' }],
    };
    const second = await fetch(`${s.url}/projects/1004`, {
      method: 'PUT',
      headers: headers(s),
      body: JSON.stringify(colleague),
    });
    expect(second.status).toBe(500);
    expect(await second.text()).toMatch(CONFLICT);
    expect((await first).status).toBe(200);
    expect(worldDiff(before, s.fake.snapshot())).toEqual(['1004: user 10 none→View']);
    // Another project, or the same one once the first answer is out, is not a conflict.
    expect((await grant(s, await read(s, 1005))).status).toBe(200);
    const unchanged = await fetch(`${s.url}/projects/1004`, {
      method: 'PUT',
      headers: headers(s),
      body: JSON.stringify(await read(s, 1004)),
    });
    expect(unchanged.status).toBe(200);
  });

  it('not when turned off', async () => {
    const s = await start({ latencyMs: 30, overlapConflicts: false });
    const project = await read(s, 1004);
    const answers = await Promise.all([grant(s, project), grant(s, project)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
  });
});

describe('a bad or expired token on project reads, as the real EcoTaxa answers it', () => {
  const DAY_MS = 86_400_000;
  type Listed = { projid: number; access: string } & Record<string, unknown>;
  const get = (s: FakeServer, path: string, token: string): Promise<Response> =>
    fetch(`${s.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });

  it('GET /projects/{id} with a bad token: 403 "You can\'t do this.", on a public project as on a private one', async () => {
    server = await startFakeServer(seedWorld());
    for (const projid of [KIND.plain, KIND.aqquaViewer]) {
      const answer = await get(server, `/projects/${projid}`, 'not-a-token');
      expect(answer.status).toBe(403);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(await answer.json()).toEqual({ detail: "You can't do this." });
    }
    // The owner's own token reads both: the refusal is the token's.
    const owner = server.fake.tokenFor(OWNER.id);
    expect((await get(server, `/projects/${KIND.plain}`, owner)).status).toBe(200);
    expect((await get(server, `/projects/${KIND.aqquaViewer}`, owner)).status).toBe(200);
  });

  it('GET /projects/search with a bad or an expired token: 200 as to a visitor, no private project, no members', async () => {
    server = await startFakeServer(seedWorld());
    const byId = (projects: Listed[]): Listed[] => [...projects].sort((a, b) => a.projid - b.projid);
    const bad = await get(server, '/projects/search?for_managing=true', 'not-a-token');
    expect(bad.status).toBe(200);
    const projects = byId((await bad.json()) as Listed[]);
    const ids = projects.map((p) => p.projid);
    // What the real server answered, without the private projects it hid (4, 35).
    expect(ids).toEqual(expect.arrayContaining([1, 2, 5, 7, 10, 12, 23, 36]));
    expect(ids).not.toContain(KIND.aqquaViewer);
    expect(ids).not.toContain(KIND.othersPrivate);
    for (const p of projects) {
      expect(p.access).not.toBe('0');
      const { managers, annotators, viewers, contact, highest_right } = p;
      expect({ managers, annotators, viewers, contact, highest_right }).toEqual({
        managers: [],
        annotators: [],
        viewers: [],
        contact: null,
        highest_right: '',
      });
    }
    const expired = server.fake.tokenFor(OWNER.id, new Date(Date.now() - 32 * DAY_MS));
    const late = await get(server, '/projects/search?for_managing=true', expired);
    expect(late.status).toBe(200);
    expect(byId((await late.json()) as Listed[])).toEqual(projects);
  });
});

describe('conflictFaults', () => {
  const put = (projid: number): FakeRequest => ({
    method: 'PUT',
    path: `/api/projects/${projid}`,
    query: new URLSearchParams(),
    headers: {},
    body: '',
  });

  it('answers about the given share of PUTs, the same for the same seed, and nothing else', () => {
    const draw = (seed: number): (string | undefined)[] => {
      const schedule = conflictFaults({ seed, rate: 0.3 });
      return Array.from({ length: 2000 }, (_, i) => {
        const fault = schedule(put(1 + (i % 500)), i);
        return fault?.kind === 'conflict' ? (fault.constraint ?? 'IS_ProjectsPriv') : undefined;
      });
    };
    const faults = draw(7);
    const share = faults.filter((f) => f !== undefined).length / faults.length;
    expect(share).toBeGreaterThan(0.27);
    expect(share).toBeLessThan(0.33);
    expect(draw(7)).toEqual(faults);
    expect(draw(8)).not.toEqual(faults);
    // Both keys EcoTaxa names: the variables row only on a project's first update.
    expect(faults.slice(0, 500)).toContain('projects_variables_pkey');
    expect(faults.slice(500)).not.toContain('projects_variables_pkey');
    expect(faults).toContain('IS_ProjectsPriv');
    const get: FakeRequest = { ...put(1), method: 'GET' };
    expect(conflictFaults({ seed: 7, rate: 1 })(get, 0)).toBeUndefined();
  });

  it('caps the conflicts in a row on one project when asked', () => {
    const schedule = conflictFaults({ seed: 1, rate: 1, maxInARow: 2 });
    const kinds = Array.from({ length: 6 }, (_, i) => schedule(put(1), i)?.kind);
    expect(kinds).toEqual(['conflict', 'conflict', undefined, 'conflict', 'conflict', undefined]);
  });
});
