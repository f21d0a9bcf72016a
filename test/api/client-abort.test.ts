import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EcoTaxaClient } from '../../src/api/client.js';
import { ServerError } from '../../src/api/errors.js';
import { caught } from '../support/caught.js';

/*
 * Ctrl-C while a read waits to be retried (README: "Ctrl-C stops the retries"): the client
 * sends nothing more. A loopback server that always answers 503 counts what reaches it.
 */

let server: http.Server;
let baseUrl: string;
let requests: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(503, { 'content-type': 'text/html' }).end('<html>503 Service Unavailable</html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
});

function clientWith(signal: AbortSignal, sleep: (ms: number) => Promise<void>, retries: number[]): EcoTaxaClient {
  return new EcoTaxaClient({
    baseUrl,
    token: 'T',
    timeoutMs: 5_000,
    userAgent: 'ecotaxa-access/test',
    signal,
    sleep,
    random: () => 0,
    onRetry: ({ retry }) => retries.push(retry),
  });
}

describe('Ctrl-C during the backoff of a read', () => {
  it('cuts the wait short and sends no further request: the last failure is reported', async () => {
    const interrupt = new AbortController();
    const retries: number[] = [];
    // A wait that never ends by itself: only the abort can end it.
    const client = clientWith(
      interrupt.signal,
      () => {
        interrupt.abort();
        return new Promise(() => undefined);
      },
      retries,
    );
    const err = await caught(() => client.getProject(7));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toBe(
      `EcoTaxa at ${baseUrl} is unavailable: GET /projects/7 answered 503 Service Unavailable from a proxy`,
    );
    expect(requests).toEqual(['GET /api/projects/7']);
    expect(retries).toEqual([1]);
  });

  it('when the wait ends anyway, still sends nothing after the abort', async () => {
    const interrupt = new AbortController();
    const waits: number[] = [];
    const client = clientWith(
      interrupt.signal,
      (ms) => {
        waits.push(ms);
        if (waits.length === 2) interrupt.abort();
        return Promise.resolve();
      },
      [],
    );
    await expect(client.getProjects([3, 1])).rejects.toBeInstanceOf(ServerError);
    expect(requests).toEqual(['GET /api/projects?project_ids=1,3', 'GET /api/projects?project_ids=1,3']);
    expect(waits).toEqual([500, 1_000]);
  });

  it('once aborted, a failing read is not waited for at all', async () => {
    const interrupt = new AbortController();
    interrupt.abort();
    const waits: number[] = [];
    const retries: number[] = [];
    const client = clientWith(
      interrupt.signal,
      (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      retries,
    );
    await expect(client.me()).rejects.toBeInstanceOf(ServerError);
    expect(requests).toEqual(['GET /api/users/me']);
    expect(waits).toEqual([]);
    expect(retries).toEqual([]);
  });

  it('without Ctrl-C the same read is tried 5 times (the control case)', async () => {
    const waits: number[] = [];
    const client = clientWith(
      new AbortController().signal,
      (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      [],
    );
    await expect(client.getProject(7)).rejects.toBeInstanceOf(ServerError);
    expect(requests).toHaveLength(5);
    expect(waits).toEqual([500, 1_000, 2_000, 4_000]);
  });
});
