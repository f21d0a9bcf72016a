import type { ApiErrorCode } from './error-codes.js';
import { describeRequest, formatSeconds } from './error-text.js';

/*
 * The client's errors: each says what failed, as facts (the request, the status, EcoTaxa's own
 * message, whether trying again may help, whether a write may have been carried out), with a
 * stable `code` (src/api/error-codes.ts). What a person should do about one is the caller's
 * to say: the CLI says it in src/cli/error-advice.ts.
 */

/** What a failed request was: method and path relative to the API base. */
export interface RequestInfo {
  method: string;
  /** Path and query relative to the server URL (never carries a secret). */
  path: string;
  /** The API base URL (no credentials in it: refused by normalizeServerUrl). */
  server: string;
}

/**
 * What a failed request may have done on the server: `none` when it certainly changed
 * nothing (never connected, refused, rolled back), `maybe` when it may have been carried out
 * although its answer was lost (a reset after sending, a timeout, a proxy's 502/504). A write
 * whose delivery is `maybe` must not be sent again before a read shows where it went.
 */
export type Delivery = 'none' | 'maybe';

export interface ApiErrorOptions {
  /** By default, from the status. */
  code?: ApiErrorCode;
  status?: number;
  /** The same request may succeed if sent again. */
  transient?: boolean;
  delivery?: Delivery;
  /** EcoTaxa's own message: the `detail` of its JSON error body. */
  ecotaxaMessage?: string;
  /** The answer's text (an HTML page, a traceback), shortened. */
  body?: string;
  cause?: unknown;
}

/**
 * Every failure of a call to EcoTaxa. An Error, not one of the CLI's UserErrors: it carries no
 * exit code, and its message says what happened, not which command to run about it.
 * AxiosError never leaves src/api/: it serialises its config, headers included, and the
 * Authorization header holds the token.
 */
export class ApiError extends Error {
  /** Which failure this is (API_ERROR_CODES): the field to branch on. */
  readonly code: ApiErrorCode;
  readonly request: RequestInfo;
  /** The HTTP status, when an answer came. */
  readonly status: number | undefined;
  /** EcoTaxa's own message, when its answer had one (docs/ecotaxa-api.md#error-shapes). */
  readonly ecotaxaMessage: string | undefined;
  /**
   * The answer's text, shortened, where the message gives only its gist: a traceback, a
   * proxy's page, the body of a 5xx.
   */
  readonly body: string | undefined;
  /** A passing failure: the same request may succeed if sent again (after a pause). */
  readonly transient: boolean;
  /** For a write: whether it may have been carried out anyway (see Delivery). */
  readonly delivery: Delivery;

  constructor(
    message: string,
    request: RequestInfo,
    options: ApiErrorOptions & ({ code: ApiErrorCode } | { status: number }),
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? codeOfStatus(options.status);
    this.request = request;
    this.status = options.status;
    this.ecotaxaMessage = options.ecotaxaMessage;
    this.body = options.body;
    this.transient = options.transient ?? false;
    // Unless a failure says otherwise, a request that reached the server may have acted.
    this.delivery = options.delivery ?? 'maybe';
  }
}

/** The code of a failure known by its status alone. */
function codeOfStatus(status: number | undefined): ApiErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  if ((status ?? 0) >= 500) return 'server-error';
  return 'rejected';
}

/** 401: the token is invalid or expired (docs/ecotaxa-api.md#expired-tokens-read-as-anonymous). */
export class AuthenticationError extends ApiError {
  constructor(request: RequestInfo) {
    super(`EcoTaxa at ${request.server} rejected your token (invalid or expired)`, request, {
      status: 401,
      delivery: 'none',
    });
  }
}

/** What EcoTaxa answers with 403 to a request that carries no token. */
const NOT_AUTHENTICATED = 'Not authenticated';

/** 403: "You can't do this." (no right, a failed login) or "Not authenticated" (no token). */
export class PermissionDeniedError extends ApiError {
  declare readonly ecotaxaMessage: string;
  /** The request carried no token (EcoTaxa's "Not authenticated"). */
  readonly notAuthenticated: boolean;
  constructor(request: RequestInfo, ecotaxaMessage: string) {
    const notAuthenticated = ecotaxaMessage === NOT_AUTHENTICATED;
    const message = notAuthenticated
      ? `EcoTaxa at ${request.server} says you are not logged in`
      : `EcoTaxa refused ${describeRequest(request)}: you are not allowed to do this (403 ${ecotaxaMessage})`;
    super(message, request, { status: 403, delivery: 'none', ecotaxaMessage });
    this.notAuthenticated = notAuthenticated;
  }
}

/** 404 with EcoTaxa's own JSON ("Not found.", "User not found"). */
export class NotFoundError extends ApiError {
  declare readonly ecotaxaMessage: string;
  constructor(request: RequestInfo, ecotaxaMessage: string) {
    super(`EcoTaxa has no ${request.path} (404 ${ecotaxaMessage})`, request, {
      status: 404,
      delivery: 'none',
      ecotaxaMessage,
    });
  }
}

/** 422: a request EcoTaxa refused, with its own message (either shape of its detail). */
export class ValidationError extends ApiError {
  declare readonly ecotaxaMessage: string;
  constructor(request: RequestInfo, ecotaxaMessage: string) {
    super(`EcoTaxa refused ${describeRequest(request)}: ${ecotaxaMessage}`, request, {
      status: 422,
      delivery: 'none',
      ecotaxaMessage,
    });
  }
}

/** 429: too many requests; the retries of a read honour Retry-After. Nothing was carried out. */
export class RateLimitError extends ApiError {
  /** How long EcoTaxa asked to wait (its Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(request: RequestInfo, retryAfterMs: number | undefined) {
    const wait = retryAfterMs === undefined ? '' : ` (it asks to wait ${Math.ceil(retryAfterMs / 1000)} s)`;
    super(`EcoTaxa at ${request.server} is rate-limiting ${describeRequest(request)}${wait}`, request, {
      status: 429,
      transient: true,
      delivery: 'none',
    });
    this.retryAfterMs = retryAfterMs;
  }
}

/** Retry-After (a 429's header) as seconds or as an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // Only an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"): Date.parse takes "-1" for a year.
  if (!/^[A-Za-z]{3},? \d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

export type ServerFailure = 'internal-error' | 'unavailable';

/** 5xx: a server bug (500 with a Python traceback) or a proxy in front of it (502/503/504). */
export class ServerError extends ApiError {
  /**
   * What the answer said, when the client read it: `internal-error`, a Python traceback of
   * EcoTaxa's (its text is `body`); `unavailable`, anything else (a proxy's page, EcoTaxa's JSON).
   */
  readonly failure: ServerFailure | undefined;
  constructor(
    request: RequestInfo,
    status: number,
    summary: string,
    body: string | undefined,
    options: { transient: boolean; delivery: Delivery; code?: ApiErrorCode; failure?: ServerFailure },
  ) {
    const { failure, ...rest } = options;
    super(summary, request, { status, body, ...rest });
    this.failure = failure;
  }
}

/**
 * 500 from two writes of one project that overlapped: nothing of the failed one was committed,
 * and the project can be read and written again (docs/ecotaxa-api.md#conflicts).
 */
export class ConflictError extends ServerError {
  constructor(request: RequestInfo, traceback: string) {
    super(
      request,
      500,
      `EcoTaxa refused ${describeRequest(request)}: the project was changed by someone else at the same time (a write conflict)`,
      traceback,
      { transient: true, delivery: 'none', code: 'conflict', failure: 'internal-error' },
    );
  }
}

/** An answer that is not EcoTaxa's: HTML, not JSON, or a 404 on a route EcoTaxa always has. */
export class NotEcoTaxaError extends ApiError {
  constructor(request: RequestInfo, what: string, body?: string) {
    super(
      `${request.server} does not look like an EcoTaxa API (${describeRequest(request)} answered ${what})`,
      request,
      {
        body,
        code: 'not-ecotaxa',
      },
    );
  }
}

/** Transport failures that happen before a request can reach the server (undefined: Node gave no code). */
const NEVER_SENT = new Set<string | undefined>([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
/** Of those, the ones that will not go away by trying again a moment later. */
const PERMANENT = new Set<string | undefined>([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** No answer: refused, reset, unknown host. */
export class ConnectionError extends ApiError {
  /** Node's code for the failure (ECONNREFUSED, ECONNRESET, CERT_HAS_EXPIRED...), when it gave one. */
  readonly networkCode: string | undefined;
  constructor(request: RequestInfo, networkCode: string | undefined, reason: string, cause?: unknown) {
    // A connection never made cannot have delivered a write; a reset one may have.
    const neverSent = NEVER_SENT.has(networkCode);
    super(`cannot reach EcoTaxa at ${request.server}: ${reason} (${describeRequest(request)})`, request, {
      code: 'connection',
      transient: !PERMANENT.has(networkCode),
      delivery: neverSent ? 'none' : 'maybe',
      cause,
    });
    this.networkCode = networkCode;
  }
}

/** No answer in time: the request may have been carried out. */
export class TimeoutError extends ApiError {
  readonly timeoutMs: number;
  constructor(request: RequestInfo, timeoutMs: number) {
    super(
      `EcoTaxa at ${request.server} did not answer ${describeRequest(request)} within ${formatSeconds(timeoutMs)}`,
      request,
      { code: 'timeout', transient: true, delivery: 'maybe' },
    );
    this.timeoutMs = timeoutMs;
  }
}

/** A 200 answer whose data does not have the shape this client relies on. */
export class SchemaError extends ApiError {
  constructor(request: RequestInfo, field: string, problem: string) {
    super(
      `EcoTaxa answered ${describeRequest(request)} with data this tool does not understand: ${field}: ${problem}`,
      request,
      { code: 'schema' },
    );
  }
}

/**
 * An answer larger than any EcoTaxa gives (ClientOptions.maxAnswerBytes): not read to its end,
 * and not asked again, since it would come back the same. The server's doing, not the network's.
 */
export class AnswerTooLargeError extends ApiError {
  readonly maxBytes: number;
  constructor(request: RequestInfo, maxBytes: number) {
    super(
      `EcoTaxa at ${request.server} answered ${describeRequest(request)} with more than ${formatBytes(maxBytes)}, far more than any answer of EcoTaxa's: it was not read`,
      request,
      { code: 'too-large' },
    );
    this.maxBytes = maxBytes;
  }
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib >= 1) return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MB`;
  return `${bytes.toLocaleString('en')} bytes`;
}

/**
 * A 200 answer that is not what was asked for: a project nobody asked for, one that does not
 * match the search's filter, or the same project twice. Such a server cannot be trusted with
 * a selection: a project it slipped in would be planned and written.
 */
export class UnexpectedAnswerError extends ApiError {
  constructor(request: RequestInfo, what: string) {
    super(`EcoTaxa at ${request.server} answered ${describeRequest(request)} with ${what}`, request, {
      code: 'inconsistent',
    });
  }
}

/**
 * A paged listing that cannot be complete: a page repeated (a server that ignores
 * window_start), ids out of the order asked for, or more projects than any listing may hold
 * (a server that never stops). EcoTaxa gives no total (docs/ecotaxa-api.md#paging), so these
 * are all a client can check.
 */
export class IncompleteListingError extends ApiError {
  constructor(request: RequestInfo, why: string) {
    super(
      `the project listing from EcoTaxa at ${request.server} is incomplete: ${why} (${describeRequest(request)})`,
      request,
      { code: 'inconsistent' },
    );
  }
}
