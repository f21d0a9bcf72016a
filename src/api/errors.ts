import { type ErrorCode, UserError } from '../errors.js';
import {
  describeBody,
  ecotaxaDetail,
  exceptionLine,
  finalException,
  formatSeconds,
  reasonPhrase,
} from './error-text.js';

/** What a failed request was, for messages: method and path relative to the API base. */
export interface RequestInfo {
  method: string;
  /** Path and query relative to the server URL (never carries a secret). */
  path: string;
  /** The API base URL (no credentials in it: refused by normalizeServerUrl). */
  server: string;
}

function describe(req: RequestInfo): string {
  return `${req.method} ${req.path}`;
}

/**
 * What a failed request may have done on the server: `none` when it certainly changed
 * nothing (never connected, refused, rolled back), `maybe` when it may have been carried out
 * although its answer was lost (a reset after sending, a timeout, a proxy's 502/504). A write
 * whose delivery is `maybe` is never sent again before a re-read shows where it went.
 */
export type Delivery = 'none' | 'maybe';

export interface ApiErrorOptions {
  /** The stable machine code (src/errors.ts ERROR_CODES); by default, from the status. */
  errorCode?: ErrorCode;
  status?: number;
  /** The same request may succeed if sent again. */
  transient?: boolean;
  delivery?: Delivery;
  details?: string;
  cause?: unknown;
}

/**
 * Every failure of a call to EcoTaxa. AxiosError never leaves src/api/: it serialises its
 * config, headers included, and the Authorization header holds the token.
 */
export class ApiError extends UserError {
  readonly request: RequestInfo;
  readonly status: number | undefined;
  /** A passing failure: the same request may succeed if sent again (after a pause). */
  readonly transient: boolean;
  /** For a write: whether it may have been carried out anyway (see Delivery). */
  readonly delivery: Delivery;

  constructor(message: string, request: RequestInfo, options: ApiErrorOptions = {}) {
    super(message, {
      errorCode: options.errorCode ?? codeOfStatus(options.status),
      details: options.details,
      cause: options.cause,
    });
    this.request = request;
    this.status = options.status;
    this.transient = options.transient ?? false;
    // Unless a failure says otherwise, a request that reached the server may have acted.
    this.delivery = options.delivery ?? 'maybe';
  }
}

/** The code of a failure known only by its status. */
function codeOfStatus(status: number | undefined): ErrorCode {
  if (status === undefined) return 'unclassified';
  if (status === 401) return 'api-unauthorized';
  if (status === 403) return 'api-forbidden';
  if (status === 404) return 'api-not-found';
  if (status === 429) return 'api-rate-limited';
  if (status === 502 || status === 503 || status === 504) return 'api-unavailable';
  if (status >= 500) return 'api-server-error';
  return 'api-rejected';
}

/** 401: the token is invalid or expired (EcoTaxa answers so on /users/* and on writes). */
export class AuthenticationError extends ApiError {
  constructor(request: RequestInfo) {
    super(
      `EcoTaxa at ${request.server} rejected your token (invalid or expired): run \`ecotaxa-access login\``,
      request,
      { status: 401, delivery: 'none' },
    );
  }
}

/** 403: "You can't do this." (no right, wrong login) or "Not authenticated" (no token). */
export class PermissionDeniedError extends ApiError {
  readonly detail: string;
  constructor(request: RequestInfo, detail: string) {
    const message =
      detail === 'Not authenticated'
        ? `EcoTaxa at ${request.server} says you are not logged in: run \`ecotaxa-access login\``
        : `EcoTaxa refused ${describe(request)}: you are not allowed to do this (403 ${detail})`;
    super(message, request, { status: 403, delivery: 'none' });
    this.detail = detail;
  }
}

/** 404 with EcoTaxa's own JSON ("Not found.", "User not found"). */
export class NotFoundError extends ApiError {
  readonly detail: string;
  constructor(request: RequestInfo, detail: string) {
    super(`EcoTaxa has no ${request.path} (404 ${detail})`, request, { status: 404, delivery: 'none' });
    this.detail = detail;
  }
}

/** 422: a request EcoTaxa refused, with its own message (either detail shape). */
export class ValidationError extends ApiError {
  readonly ecotaxaMessage: string;
  constructor(request: RequestInfo, ecotaxaMessage: string) {
    super(`EcoTaxa refused ${describe(request)}: ${ecotaxaMessage}`, request, { status: 422, delivery: 'none' });
    this.ecotaxaMessage = ecotaxaMessage;
  }
}

/** 429: too many requests; Retry-After honoured by the retry loop. Nothing was carried out. */
export class RateLimitError extends ApiError {
  readonly retryAfterMs: number | undefined;
  constructor(request: RequestInfo, retryAfterMs: number | undefined) {
    const wait = retryAfterMs === undefined ? '' : ` (it asks to wait ${Math.ceil(retryAfterMs / 1000)} s)`;
    super(`EcoTaxa at ${request.server} is rate-limiting ${describe(request)}${wait}: try again later`, request, {
      status: 429,
      transient: true,
      delivery: 'none',
    });
    this.retryAfterMs = retryAfterMs;
  }
}

/** 5xx: a server bug (500 with a Python traceback) or a proxy in front of it (502/503/504). */
export class ServerError extends ApiError {
  constructor(
    request: RequestInfo,
    status: number,
    summary: string,
    details: string | undefined,
    options: { transient: boolean; delivery: Delivery; errorCode?: ErrorCode },
  ) {
    super(summary, request, { status, details, ...options });
  }
}

/**
 * 500 from two writes of one project that overlapped: EcoTaxa's delete-and-insert of the
 * privileges (or the first insert of a project's variables row) ran concurrently, and the
 * later transaction failed on a unique index. Nothing of it was committed: the project can be
 * read again and written again (API-NOTES "Changing rights", transcript [89]).
 */
export class ConflictError extends ServerError {
  constructor(request: RequestInfo, details: string) {
    super(
      request,
      500,
      `EcoTaxa refused ${describe(request)}: the project was changed by someone else at the same time (a write conflict); run the same command again`,
      details,
      { transient: true, delivery: 'none', errorCode: 'api-conflict' },
    );
  }
}

/** An answer that is not EcoTaxa's: HTML, not JSON, or a 404 on a route EcoTaxa always has. */
export class NotEcoTaxaError extends ApiError {
  constructor(request: RequestInfo, what: string, details?: string) {
    super(
      `${request.server} does not look like an EcoTaxa API (${describe(request)} answered ${what}): check --url, e.g. https://ecotaxa.obs-vlfr.fr/api`,
      request,
      { details, errorCode: 'api-not-ecotaxa' },
    );
  }
}

/** Transport failures that happen before a request can reach the server. */
const NEVER_SENT = new Set([
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
const PERMANENT = new Set(['CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

/** No answer: refused, reset, unknown host. */
export class ConnectionError extends ApiError {
  readonly code: string | undefined;
  constructor(request: RequestInfo, code: string | undefined, reason: string, cause?: unknown) {
    // A connection never made cannot have delivered a write; a reset one may have.
    const neverSent = code !== undefined && NEVER_SENT.has(code);
    super(`cannot reach EcoTaxa at ${request.server}: ${reason} (${describe(request)})`, request, {
      errorCode: 'connection',
      transient: code === undefined || !PERMANENT.has(code),
      delivery: neverSent ? 'none' : 'maybe',
      cause,
    });
    this.code = code;
  }
}

/** No answer in time: the request may have been carried out. */
export class TimeoutError extends ApiError {
  constructor(request: RequestInfo, timeoutMs: number) {
    super(
      `EcoTaxa at ${request.server} did not answer ${describe(request)} within ${formatSeconds(timeoutMs)}: try again, or raise --timeout`,
      request,
      { errorCode: 'timeout', transient: true, delivery: 'maybe' },
    );
  }
}

/** A 200 answer whose data does not have the shape this tool relies on. */
export class SchemaError extends ApiError {
  constructor(request: RequestInfo, field: string, problem: string) {
    super(
      `EcoTaxa answered ${describe(request)} with data this tool does not understand: ${field}: ${problem}`,
      request,
      { errorCode: 'api-schema' },
    );
  }
}

/**
 * An answer larger than any EcoTaxa gives (ClientOptions.maxAnswerBytes): not read to its end,
 * and not asked again, since it would come back the same. The server's doing, not the network's.
 */
export class AnswerTooLargeError extends ApiError {
  constructor(request: RequestInfo, maxBytes: number) {
    super(
      `EcoTaxa at ${request.server} answered ${describe(request)} with more than ${formatBytes(maxBytes)}, far more than any answer of EcoTaxa's: it was not read; check --url, or tell the server's administrators`,
      request,
      { errorCode: 'api-too-large' },
    );
  }
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib >= 1) return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MB`;
  return `${bytes.toLocaleString('en')} bytes`;
}

/** What to do about an answer that is not what was asked for. */
const UNTRUSTED =
  "nothing is planned or written from it: run the command again, and if it happens again, check --url or tell the server's administrators";

/**
 * A 200 answer that is not what was asked for: a project nobody asked for, one that does not
 * match the search's filter, or the same project twice. Such a server cannot be trusted with
 * a selection: a project it slipped in would be planned and written.
 */
export class UnexpectedAnswerError extends ApiError {
  constructor(request: RequestInfo, what: string) {
    super(`EcoTaxa at ${request.server} answered ${describe(request)} with ${what}: ${UNTRUSTED}`, request, {
      errorCode: 'api-inconsistent',
    });
  }
}

/**
 * A paged listing that cannot be complete: a page repeated (a server that ignores
 * window_start), ids out of the order asked for, or more projects than any listing may hold
 * (a server that never stops). EcoTaxa gives no total, so these are all a client can check.
 */
export class IncompleteListingError extends ApiError {
  constructor(request: RequestInfo, why: string) {
    super(
      `the project listing from EcoTaxa at ${request.server} is incomplete: ${why} (${describe(request)}); ${UNTRUSTED}`,
      request,
      { errorCode: 'api-inconsistent' },
    );
  }
}

/** An HTTP answer that was not a success, as the client received it. */
export interface FailedResponse {
  status: number;
  /** Lower case, '' when absent. */
  contentType: string;
  text: string;
  retryAfter?: string | undefined;
  location?: string | undefined;
}

/**
 * The error for an answer that is not a success: one place that says which failure is which
 * (API-NOTES "Error shapes"), and whether it is worth trying again and may have acted.
 */
export function errorForResponse(response: FailedResponse, request: RequestInfo, now: Date): ApiError {
  const { status, contentType, text } = response;
  const isJson = contentType.includes('json');
  const json = isJson ? parseJson(text) : undefined;
  if (status >= 300 && status < 400) {
    const to = response.location === undefined ? '' : ` to ${response.location}`;
    return new NotEcoTaxaError(request, `a redirect (${status}${to})`);
  }
  if (status === 401) return new AuthenticationError(request);
  if (status === 429) return new RateLimitError(request, parseRetryAfter(response.retryAfter, now));
  if (status >= 500) return serverError(response, request);
  const detail = json === undefined ? undefined : ecotaxaDetail(json.value);
  if (detail === undefined) {
    // A 404 without EcoTaxa's JSON: the URL is wrong. Anything else: a proxy or firewall.
    if (status === 404)
      return new NotEcoTaxaError(request, describeBody(status, contentType, text), text.slice(0, 2_000));
    return new ApiError(
      `EcoTaxa at ${request.server} (or a proxy in front of it) refused ${describe(request)}: ${describeBody(status, contentType, text)}`,
      request,
      { status, details: text.slice(0, 2_000), delivery: 'none' },
    );
  }
  if (status === 403) return new PermissionDeniedError(request, detail);
  if (status === 404) return new NotFoundError(request, detail);
  if (status === 422) return new ValidationError(request, detail);
  return new ApiError(`EcoTaxa refused ${describe(request)}: ${status} ${detail}`, request, {
    status,
    delivery: 'none',
  });
}

/** A traceback of a data error (a bad value, a missing key) fails the same way again. */
const DATA_ERROR = /\b(IntegrityError|ValueError|KeyError|TypeError|AttributeError|AssertionError)\b/;
/**
 * The unique indexes two overlapping updates of one project collide on (transcript [89]):
 * the privileges (projid, member) and the project's variables row.
 */
const WRITE_CONFLICT = /UniqueViolation[\s\S]*("IS_ProjectsPriv"|projects_variables_pkey)/;

function serverError(response: FailedResponse, request: RequestInfo): ApiError {
  const { status, contentType, text } = response;
  const traceback = !contentType.includes('json') && text.includes('BACK-END') ? text : undefined;
  const details = text.slice(0, 20_000) || undefined;
  if (traceback !== undefined) {
    // Judged by the exception that ended the request (Python prints it last), not by any
    // name met on the way (a chained exception, a module or variable name).
    const final = finalException(traceback) ?? '';
    if (status === 500 && /IntegrityError/.test(final) && WRITE_CONFLICT.test(traceback)) {
      return new ConflictError(request, traceback.slice(0, 20_000));
    }
    const deterministic = DATA_ERROR.test(final);
    return new ServerError(
      request,
      status,
      `EcoTaxa failed on ${describe(request)} with an internal error (${status}${exceptionLine(traceback)}); --verbose shows its traceback`,
      details,
      // A data error rolled the transaction back; any other exception may have come after a commit.
      { transient: !deterministic, delivery: deterministic ? 'none' : 'maybe' },
    );
  }
  const proxy = contentType.includes('html') ? ' from a proxy' : '';
  return new ServerError(
    request,
    status,
    `EcoTaxa at ${request.server} is unavailable: ${describe(request)} answered ${status}${reasonPhrase(status)}${proxy}; try again later`,
    details,
    { transient: true, delivery: 'maybe' },
  );
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

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
