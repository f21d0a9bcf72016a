import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
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
  | { kind: 'commit-then'; status: 502 | 504 };

export type FaultSchedule = (req: FakeRequest, index: number) => Fault | undefined;

export interface FakeServerOptions {
  /** Added to every answer (the benchmark's network). */
  latencyMs?: number;
  faults?: FaultSchedule;
}

export interface FakeServer {
  fake: FakeEcoTaxa;
  /** The API base URL, e.g. http://127.0.0.1:PORT/api */
  url: string;
  /** Requests by route template ("GET /projects/{id}"), faults included. */
  routes: Map<string, number>;
  /** Every request received, in order, with the fault injected on it if any. */
  requests: { method: string; path: string; fault: Fault['kind'] | undefined }[];
  connections: number;
  setFaults(schedule: FaultSchedule | undefined): void;
  close(): Promise<void>;
}

function proxyPage(status: number): FakeResponse {
  const phrase = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Time-out' }[status] ?? 'Error';
  return {
    status,
    headers: { 'content-type': 'text/html' },
    body: `<html>\r\n<head><title>${status} ${phrase}</title></head>\r\n<body>\r\n<center><h1>${status} ${phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}

function faultResponse(fault: Fault): FakeResponse | undefined {
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
    default:
      return undefined;
  }
}

/** Serves a FakeEcoTaxa over HTTP on 127.0.0.1 (a free port), with optional latency and faults. */
export async function startFakeServer(
  fake: FakeEcoTaxa = new FakeEcoTaxa(),
  options: FakeServerOptions = {},
): Promise<FakeServer> {
  let faults = options.faults;
  let index = 0;
  const routes = new Map<string, number>();
  const requests: FakeServer['requests'] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<http.ServerResponse>();
  let connections = 0;

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
      const fault = faults?.(request, index++);
      requests.push({ method: request.method, path: request.path.replace(/^\/api(?=\/)/, ''), fault: fault?.kind });
      const send = (response: FakeResponse): void => {
        const write = (): void => {
          res.writeHead(response.status, response.headers);
          res.end(response.body);
        };
        if (options.latencyMs !== undefined && options.latencyMs > 0) setTimeout(write, options.latencyMs);
        else write();
      };
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'hang') {
        hanging.add(res);
        return;
      }
      if (fault?.kind === 'delay') {
        setTimeout(() => send(fake.handle(request)), fault.ms);
        return;
      }
      if (fault?.kind === 'commit-then') {
        fake.handle(request);
        send(proxyPage(fault.status));
        return;
      }
      const injected = fault === undefined ? undefined : faultResponse(fault);
      send(injected ?? fake.handle(request));
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
