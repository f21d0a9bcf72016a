import nock from 'nock';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { EcoTaxaClient, type ClientOptions } from '../../src/api/client.js';

/*
 * The API client's tests against an EcoTaxa that nock answers: its origin, a client that
 * records its waits instead of waiting, and the hooks that keep every request inside the
 * process. Importing nock patches Node's http for the whole process: only the tests of the
 * `isolated` project import this module.
 */

export const ORIGIN = 'https://ecotaxa.example.org';
export const BASE_URL = `${ORIGIN}/api`;
export const TOKEN = 'T0KEN-VALUE-123';
export const JSON_TYPE = { 'content-type': 'application/json' };
export const TEXT_TYPE = { 'content-type': 'text/plain; charset=utf-8' };
export const HTML_TYPE = { 'content-type': 'text/html' };

export interface TestClient {
  client: EcoTaxaClient;
  sleeps: number[];
}

export function makeClient(overrides: Partial<ClientOptions> = {}): TestClient {
  const sleeps: number[] = [];
  const client = new EcoTaxaClient({
    baseUrl: BASE_URL,
    token: TOKEN,
    timeoutMs: 5_000,
    userAgent: 'ecotaxa-access/test',
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0,
    ...overrides,
  });
  return { client, sleeps };
}

/** A nock scope for the EcoTaxa origin; paths include the `/api` prefix. */
export function api(): nock.Scope {
  return nock(ORIGIN);
}

/** Refuses every request nock does not answer, and forgets each test's answers after it. */
export function useNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.abortPendingRequests();
    nock.cleanAll();
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
}

/** The ids from `from` to `toInclusive`. */
export function range(from: number, toInclusive: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= toInclusive; i++) out.push(i);
  return out;
}

/**
 * A socket error for nock's replyWithError. It must be an Error instance: with nock 14 /
 * @mswjs/interceptors 0.41 a plain `{ code }` object is dropped and the request hangs until
 * the client's timeout (so it would be reported as a TimeoutError instead).
 */
export function netError(code: string, message = `${code.toLowerCase()} ${code}`): Error {
  return Object.assign(new Error(message), { code });
}
