import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EcoTaxaClient, MAX_ANSWER_BYTES } from '../../src/api/client.js';
import { AnswerTooLargeError } from '../../src/api/errors.js';
import { caught } from '../support/caught.js';
import { ME_BODY } from '../support/ecotaxa-answers.js';

/*
 * An answer larger than any EcoTaxa gives is not read to its end: one line that says it was
 * too large (the server's doing, not a connection problem), and it is not asked again. A
 * loopback server streams the answers; the cap is lowered so that the test needs no 64 MB.
 */

const CAP = 64 * 1024;
/** What the endless answer stops at on its own, should the client read on (it must not). */
const ENDLESS_STOPS_AT = 16 * 1024 * 1024;

let server: http.Server;
let baseUrl: string;
let requests: string[] = [];
/** Bytes of the endless answer written before the client hung up. */
let endlessSent = 0;

/** /users/me with a name of `bytes` characters: valid JSON, just large. */
function largeMe(bytes: number): string {
  return JSON.stringify({ ...ME_BODY, name: 'x'.repeat(bytes) });
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const json = { 'content-type': 'application/json' };
    if (req.url === '/api/users/me' && req.headers['x-size'] !== undefined) {
      res.writeHead(200, json).end(largeMe(Number(req.headers['x-size'])));
    } else if (req.url === '/api/users/me') {
      // An endless answer: chunks for as long as the client reads.
      res.writeHead(200, json);
      res.write('{"name": "');
      const chunk = 'x'.repeat(16 * 1024);
      const more = (): void => {
        while (endlessSent < ENDLESS_STOPS_AT && !res.destroyed) {
          endlessSent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end('"}');
      };
      res.on('close', () => undefined);
      more();
    } else if (req.url === '/api/projects/search?for_managing=true&order_field=projid&window_start=0&window_size=100') {
      // A few kB on the wire that inflate to 4 MB.
      res.writeHead(200, { ...json, 'content-encoding': 'gzip' }).end(zlib.gzipSync(`[${' '.repeat(4 << 20)}]`));
    } else {
      res.writeHead(404, json).end('{"detail": "Not Found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  endlessSent = 0;
});

function client(size?: number): EcoTaxaClient {
  return new EcoTaxaClient({
    baseUrl,
    token: 'T',
    timeoutMs: 10_000,
    userAgent: 'ecotaxa-access/test',
    sleep: () => Promise.resolve(),
    maxAnswerBytes: CAP,
    headers: size === undefined ? undefined : { 'x-size': String(size) },
  });
}

const TOO_LARGE = (path: string): string =>
  `EcoTaxa at ${baseUrl} answered GET ${path} with more than 65,536 bytes, far more than any answer of EcoTaxa's: it was not read`;

describe('an answer larger than the cap', () => {
  it('is an AnswerTooLargeError, not a connection problem, and is not asked again', async () => {
    const err = await caught(() => client(CAP * 4).me());
    expect(err).toBeInstanceOf(AnswerTooLargeError);
    expect(err.message).toBe(TOO_LARGE('/users/me'));
    expect((err as AnswerTooLargeError).code).toBe('too-large');
    expect((err as AnswerTooLargeError).transient).toBe(false);
    // A read is retried on passing failures; this one would come back the same.
    expect(requests).toEqual(['GET /api/users/me']);
  });

  it('an endless answer: the client stops reading soon after the cap', async () => {
    const err = await caught(() => client().me());
    expect(err).toBeInstanceOf(AnswerTooLargeError);
    expect(requests).toHaveLength(1);
    // The server wrote what the socket buffers took before the client hung up, not 16 MB.
    expect(endlessSent).toBeLessThan(ENDLESS_STOPS_AT / 4);
  });

  it('counts the answer as it inflates: a small compressed body that expands past the cap', async () => {
    const err = await caught(() => client().searchProjects({ forManaging: true }));
    expect(err).toBeInstanceOf(AnswerTooLargeError);
    expect(err.message).toBe(
      TOO_LARGE('/projects/search?for_managing=true&order_field=projid&window_start=0&window_size=100'),
    );
  });

  it('control: an answer just under the cap is read', async () => {
    const overhead = Buffer.byteLength(largeMe(0));
    const me = await client(CAP - overhead).me();
    expect(me.name).toHaveLength(CAP - overhead);
  });

  it('the default cap is 64 MB', () => {
    expect(MAX_ANSWER_BYTES).toBe(64 * 1024 * 1024);
    const req = { method: 'GET', path: '/users/me', server: 'https://ecotaxa.example.org/api' };
    expect(new AnswerTooLargeError(req, MAX_ANSWER_BYTES).message).toContain('with more than 64 MB, far more');
  });
});
