import { UserError } from '../errors.js';

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
 * Every failure of a call to EcoTaxa. AxiosError never leaves src/api/: it serialises its
 * config, headers included, and the Authorization header holds the token.
 */
export class ApiError extends UserError {
  readonly request: RequestInfo;
  readonly status: number | undefined;
  /**
   * A transient failure: the same request may succeed if sent again. For a write it also
   * means the server may have committed it anyway (a lost answer), so it is sent again only
   * after a fresh read.
   */
  readonly retryable: boolean;

  constructor(
    message: string,
    request: RequestInfo,
    options: { status?: number; retryable?: boolean; details?: string; cause?: unknown } = {},
  ) {
    super(message, { details: options.details, cause: options.cause });
    this.request = request;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}

/** 401: the token is invalid or expired (EcoTaxa answers so on /users/* and on writes). */
export class AuthenticationError extends ApiError {
  constructor(request: RequestInfo) {
    super(
      `EcoTaxa at ${request.server} rejected your token (invalid or expired): run \`ecotaxa-access login\``,
      request,
      { status: 401 },
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
    super(message, request, { status: 403 });
    this.detail = detail;
  }
}

/** 404 with EcoTaxa's own JSON ("Not found.", "User not found"). */
export class NotFoundError extends ApiError {
  readonly detail: string;
  constructor(request: RequestInfo, detail: string) {
    super(`EcoTaxa has no ${request.path} (404 ${detail})`, request, { status: 404 });
    this.detail = detail;
  }
}

/** 422: a request EcoTaxa refused, with its own message (either detail shape). */
export class ValidationError extends ApiError {
  readonly ecotaxaMessage: string;
  constructor(request: RequestInfo, ecotaxaMessage: string) {
    super(`EcoTaxa refused ${describe(request)}: ${ecotaxaMessage}`, request, { status: 422 });
    this.ecotaxaMessage = ecotaxaMessage;
  }
}

/** 429: too many requests; Retry-After honoured by the retry loop. */
export class RateLimitError extends ApiError {
  readonly retryAfterMs: number | undefined;
  constructor(request: RequestInfo, retryAfterMs: number | undefined) {
    const wait = retryAfterMs === undefined ? '' : ` (it asks to wait ${Math.ceil(retryAfterMs / 1000)} s)`;
    super(`EcoTaxa at ${request.server} is rate-limiting ${describe(request)}${wait}: try again later`, request, {
      status: 429,
      retryable: true,
    });
    this.retryAfterMs = retryAfterMs;
  }
}

/** 5xx: a server bug (500 with a Python traceback) or a proxy in front of it (502/503/504). */
export class ServerError extends ApiError {
  constructor(request: RequestInfo, status: number, summary: string, details: string | undefined, retryable = true) {
    super(summary, request, { status, retryable, details });
  }
}

/** An answer that is not EcoTaxa's: HTML, not JSON, or a 404 on a route EcoTaxa always has. */
export class NotEcoTaxaError extends ApiError {
  constructor(request: RequestInfo, what: string, details?: string) {
    super(
      `${request.server} does not look like an EcoTaxa API (${describe(request)} answered ${what}): check --url, e.g. https://ecotaxa.obs-vlfr.fr/api`,
      request,
      { details },
    );
  }
}

/** No answer: refused, reset, unknown host. */
export class ConnectionError extends ApiError {
  readonly code: string | undefined;
  constructor(request: RequestInfo, code: string | undefined, reason: string, cause?: unknown) {
    // A connection never made cannot have delivered a write; a reset one may have.
    const neverConnected = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
    super(`cannot reach EcoTaxa at ${request.server}: ${reason} (${describe(request)})`, request, {
      retryable: !neverConnected,
      cause,
    });
    this.code = code;
  }
}

export class TimeoutError extends ApiError {
  constructor(request: RequestInfo, timeoutMs: number) {
    super(
      `EcoTaxa at ${request.server} did not answer ${describe(request)} within ${formatSeconds(timeoutMs)}: try again, or raise --timeout`,
      request,
      { retryable: true },
    );
  }
}

/** A 200 answer whose data does not have the shape this tool relies on. */
export class SchemaError extends ApiError {
  constructor(request: RequestInfo, field: string, problem: string) {
    super(
      `EcoTaxa answered ${describe(request)} with data this tool does not understand: ${field}: ${problem}`,
      request,
    );
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
