import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { FakeEcoTaxa, type FakeRequest, type FakeResponse, traceback } from './fake-ecotaxa.js';

/** A fault the server injects in place of (or after) the real answer. */
export type Fault =
  | { kind: 'status'; status: 500 | 502 | 503 | 504 }
  /** Any answer, e.g. EcoTaxa's own 403 or 422 for one project. */
  | { kind: 'answer'; status: number; body: unknown }
  | { kind: 'rate-limit'; retryAfter: string }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'delay'; ms: number }
  /** The write is committed, then the answer is lost behind a proxy error. */
  | { kind: 'commit-then'; status: 502 | 504 }
  /**
   * A PUT that lost to another write of the same project (API-NOTES, transcript [89]): EcoTaxa's
   * 500 with an IntegrityError traceback, and nothing of it committed. `IS_ProjectsPriv` (the
   * default) is the privileges' unique index; `projects_variables_pkey` fails the first update
   * of a project, which also inserts its variables row.
   */
  | { kind: 'conflict'; constraint?: ConflictConstraint };

export type ConflictConstraint = 'IS_ProjectsPriv' | 'projects_variables_pkey';

export type FaultSchedule = (req: FakeRequest, index: number) => Fault | undefined;

export interface FakeServerOptions {
  /** Added to every answer (the network; with no `worker`, a server that scales). */
  latencyMs?: number;
  faults?: FaultSchedule;
  /**
   * One API worker: requests wait for each other in one FIFO queue; a PUT takes `writeMs` of
   * service, any other request `readMs`. A read's state is taken, and a write committed, at the
   * end of its service; `latencyMs` is then added to the answer.
   */
  worker?: { readMs: number; writeMs: number };
  /**
   * Without a worker: a PUT of a project that arrives while another PUT of that project is
   * still being served (answer not yet sent, e.g. behind `latencyMs` or a delay) gets the
   * conflict 500 and commits nothing, as on EcoTaxa. Default true.
   */
  overlapConflicts?: boolean;
}

/** A committed write, and how long after the server last served a read showing its project. */
export interface WriteWindow {
  projid: number;
  /** From the end of the last read that included the project to the commit (performance.now). */
  ms: number;
}

export interface FakeServer {
  fake: FakeEcoTaxa;
  /** The API base URL, e.g. http://127.0.0.1:PORT/api */
  url: string;
  /** Requests by route template ("GET /projects/{id}"), faults included. */
  routes: Map<string, number>;
  /** Every request received, in order, with the fault injected on it if any (overlaps: 'conflict'). */
  requests: { method: string; path: string; fault: Fault['kind'] | undefined }[];
  /** The read-to-write window of every committed PUT of a project read before, in commit order. */
  windows: WriteWindow[];
  connections: number;
  setFaults(schedule: FaultSchedule | undefined): void;
  close(): Promise<void>;
}

/** The project id of "PUT /api/projects/5", or undefined. */
function writtenProject(req: FakeRequest): number | undefined {
  const m = /^(?:\/api)?\/projects\/(\d+)$/.exec(req.path);
  return req.method === 'PUT' && m !== null ? Number(m[1]) : undefined;
}

const PROJECT_READS = new Set(['GET /projects/search', 'GET /projects', 'GET /projects/{id}']);

/** The project ids in a project read's answer (one model or a list of them). */
function projectsIn(body: string): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  return (Array.isArray(parsed) ? parsed : [parsed]).flatMap((item) =>
    item !== null && typeof item === 'object' && typeof (item as { projid?: unknown }).projid === 'number'
      ? [(item as { projid: number }).projid]
      : [],
  );
}

/** The member EcoTaxa names in the duplicate key: the body's contact, else its first member. */
function memberOf(body: string): number {
  try {
    const project = JSON.parse(body) as Record<string, unknown>;
    const contact = project['contact'] as { id?: unknown } | null | undefined;
    if (typeof contact?.id === 'number') return contact.id;
    for (const list of ['managers', 'annotators', 'viewers']) {
      const first = (project[list] as { id?: unknown }[] | undefined)?.[0];
      if (typeof first?.id === 'number') return first.id;
    }
  } catch {
    // Not a project body: any member will do.
  }
  return 1;
}

/** EcoTaxa's answer to the later of two overlapping writes of one project (transcript [89]). */
export function conflictResponse(projid: number, member: number, constraint: ConflictConstraint): FakeResponse {
  const [exception, sql] =
    constraint === 'IS_ProjectsPriv'
      ? [
          `duplicate key value violates unique constraint "IS_ProjectsPriv"\nDETAIL:  Key (projid, member)=(${projid}, ${member}) already exists.`,
          `[SQL: INSERT INTO projectspriv (id, projid, member, privilege, extra) VALUES (nextval('seq_projectspriv'), %(projid)s, %(member)s, %(privilege)s, %(extra)s) RETURNING projectspriv.id]\n[parameters: {'projid': ${projid}, 'member': ${member}, 'privilege': 'Manage', 'extra': 'C'}]`,
        ]
      : [
          `duplicate key value violates unique constraint "projects_variables_pkey"\nDETAIL:  Key (project_id)=(${projid}) already exists.`,
          `[SQL: INSERT INTO projects_variables (project_id, subsample_coef, total_water_volume, individual_volume) VALUES (%(project_id)s, %(subsample_coef)s, %(total_water_volume)s, %(individual_volume)s)]\n[parameters: {'project_id': ${projid}, 'subsample_coef': None, 'total_water_volume': None, 'individual_volume': None}]`,
        ];
  return {
    status: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: [
      '----------- BACK-END -------------',
      '  File "<backend>/py/main.py", line 236, in dispatch',
      '    response = await call_next(request)',
      '  File "<backend>/py/API_operations/CRUD/Projects.py", line 178, in update',
      '    self.session.commit()',
      '  File "<site-packages>/sqlalchemy/engine/default.py", line 736, in do_execute',
      '    cursor.execute(statement, parameters)',
      `sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) ${exception}`,
      '',
      sql,
      '(Background on this error at: https://sqlalche.me/e/14/gkpj)',
      '',
    ].join('\n'),
  };
}

function proxyPage(status: number): FakeResponse {
  const phrase = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Time-out' }[status] ?? 'Error';
  return {
    status,
    headers: { 'content-type': 'text/html' },
    body: `<html>\r\n<head><title>${status} ${phrase}</title></head>\r\n<body>\r\n<center><h1>${status} ${phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}

type ImmediateFault = Extract<Fault, { kind: 'status' | 'answer' | 'rate-limit' }>;

/** The answer of a fault that is sent at once, without service. */
function faultResponse(fault: ImmediateFault): FakeResponse {
  switch (fault.kind) {
    case 'status':
      return fault.status === 500 ? traceback('RuntimeError: injected fault') : proxyPage(fault.status);
    case 'answer':
      return {
        status: fault.status,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fault.body),
      };
    case 'rate-limit':
      return {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': fault.retryAfter },
        body: JSON.stringify({ detail: 'Too many requests' }),
      };
  }
}

/**
 * Serves a FakeEcoTaxa over HTTP on 127.0.0.1 (a free port), with optional latency, faults, one
 * API worker, and the conflict of overlapping writes; it measures each write's window.
 */
export async function startFakeServer(
  fake: FakeEcoTaxa = new FakeEcoTaxa(),
  options: FakeServerOptions = {},
): Promise<FakeServer> {
  let faults = options.faults;
  let index = 0;
  const routes = new Map<string, number>();
  const requests: FakeServer['requests'] = [];
  const windows: WriteWindow[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<http.ServerResponse>();
  let connections = 0;
  const overlapConflicts = options.worker === undefined && (options.overlapConflicts ?? true);
  /** PUTs being served, by project: from arrival to their answer leaving. */
  const writing = new Map<number, number>();
  /** When the server last served a read that included each project. */
  const lastRead = new Map<number, number>();

  /** The fake's answer, noting when a read showed each project and when a write committed. */
  const handle = (request: FakeRequest): FakeResponse => {
    const response = fake.handle(request);
    const at = performance.now();
    if (response.status === 200 && PROJECT_READS.has(FakeEcoTaxa.routeOf(request.method, request.path))) {
      for (const projid of projectsIn(response.body)) lastRead.set(projid, at);
    }
    const projid = writtenProject(request);
    const readAt = projid === undefined ? undefined : lastRead.get(projid);
    if (projid !== undefined && readAt !== undefined && response.status === 200) {
      windows.push({ projid, ms: at - readAt });
    }
    return response;
  };

  // One API worker: a FIFO queue of requests, each served for its time, one at a time.
  const queue: { ms: number; done: () => void }[] = [];
  let busy = false;
  const next = (): void => {
    const job = queue.shift();
    busy = job !== undefined;
    if (job === undefined) return;
    setTimeout(() => {
      job.done();
      next();
    }, job.ms);
  };
  /** Runs `done` at the end of the request's service: at once, or after its turn at the worker. */
  const serve = (request: FakeRequest, done: () => void): void => {
    if (options.worker === undefined) {
      done();
      return;
    }
    queue.push({ ms: request.method === 'PUT' ? options.worker.writeMs : options.worker.readMs, done });
    if (!busy) next();
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
        ),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const route = FakeEcoTaxa.routeOf(request.method, request.path);
      routes.set(route, (routes.get(route) ?? 0) + 1);
      const written = writtenProject(request);
      const injected = faults?.(request, index++);
      const overlapping = overlapConflicts && written !== undefined && (writing.get(written) ?? 0) > 0;
      const fault: Fault | undefined = injected ?? (overlapping ? { kind: 'conflict' } : undefined);
      requests.push({ method: request.method, path: request.path.replace(/^\/api(?=\/)/, ''), fault: fault?.kind });

      // A PUT that may commit is "being served" until its answer leaves.
      const commits =
        written !== undefined && (fault === undefined || fault.kind === 'delay' || fault.kind === 'commit-then');
      if (commits) writing.set(written, (writing.get(written) ?? 0) + 1);
      const send = (response: FakeResponse): void => {
        const write = (): void => {
          if (commits) writing.set(written, (writing.get(written) ?? 1) - 1);
          res.writeHead(response.status, response.headers);
          res.end(response.body);
        };
        if (options.latencyMs !== undefined && options.latencyMs > 0) setTimeout(write, options.latencyMs);
        else write();
      };

      switch (fault?.kind) {
        case 'reset':
          req.socket.destroy();
          return;
        case 'hang':
          hanging.add(res);
          return;
        case 'delay':
          setTimeout(() => serve(request, () => send(handle(request))), fault.ms);
          return;
        case 'commit-then': {
          const status = fault.status;
          serve(request, () => {
            handle(request);
            send(proxyPage(status));
          });
          return;
        }
        case 'conflict': {
          const answer = conflictResponse(written ?? 0, memberOf(request.body), fault.constraint ?? 'IS_ProjectsPriv');
          // It ran as far as the commit, which failed: a write's time at the worker.
          serve(request, () => send(answer));
          return;
        }
        case 'status':
        case 'answer':
        case 'rate-limit':
          send(faultResponse(fault));
          return;
        default:
          serve(request, () => send(handle(request)));
      }
    });
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    fake,
    url: `http://127.0.0.1:${port}/api`,
    routes,
    requests,
    windows,
    get connections() {
      return connections;
    },
    setFaults(schedule) {
      faults = schedule;
      index = 0;
    },
    async close() {
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
