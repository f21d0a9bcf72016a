import {
  ApiError,
  AuthenticationError,
  ConflictError,
  NotEcoTaxaError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  type RequestInfo,
  ServerError,
  ValidationError,
  parseRetryAfter,
} from './errors.js';
import {
  describeBody,
  describeRequest,
  ecotaxaDetail,
  exceptionLine,
  finalException,
  reasonPhrase,
} from './error-text.js';

/*
 * Which error an answer that is not a success is: by its status, its content type and its
 * body (EcoTaxa's JSON, a Python traceback, a proxy's page), and with it whether the request
 * is worth sending again and whether it may have been carried out.
 */

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
 * (docs/ecotaxa-api.md#error-shapes), and whether it is worth trying again and may have acted.
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
      `EcoTaxa at ${request.server} (or a proxy in front of it) refused ${describeRequest(request)}: ${describeBody(status, contentType, text)}`,
      request,
      { status, body: text.slice(0, 2_000), delivery: 'none' },
    );
  }
  if (status === 403) return new PermissionDeniedError(request, detail);
  if (status === 404) return new NotFoundError(request, detail);
  if (status === 422) return new ValidationError(request, detail);
  return new ApiError(`EcoTaxa refused ${describeRequest(request)}: ${status} ${detail}`, request, {
    status,
    delivery: 'none',
    ecotaxaMessage: detail,
  });
}

/** A traceback of a data error (a bad value, a missing key) fails the same way again. */
const DATA_ERROR = /\b(IntegrityError|ValueError|KeyError|TypeError|AttributeError|AssertionError)\b/;
/**
 * The unique indexes two overlapping updates of one project collide on: the privileges
 * (projid, member) and the project's variables row (docs/ecotaxa-api.md#conflicts).
 */
const WRITE_CONFLICT = /UniqueViolation[\s\S]*("IS_ProjectsPriv"|projects_variables_pkey)/;

function serverError(response: FailedResponse, request: RequestInfo): ApiError {
  const { status, contentType, text } = response;
  const traceback = !contentType.includes('json') && text.includes('BACK-END') ? text : undefined;
  const body = text.slice(0, 20_000) || undefined;
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
      `EcoTaxa failed on ${describeRequest(request)} with an internal error (${status}${exceptionLine(traceback)})`,
      body,
      // A data error rolled the transaction back; any other exception may have come after a commit.
      { transient: !deterministic, delivery: deterministic ? 'none' : 'maybe', failure: 'internal-error' },
    );
  }
  const proxy = contentType.includes('html') ? ' from a proxy' : '';
  return new ServerError(
    request,
    status,
    `EcoTaxa at ${request.server} is unavailable: ${describeRequest(request)} answered ${status}${reasonPhrase(status)}${proxy}`,
    body,
    { transient: true, delivery: 'maybe', failure: 'unavailable' },
  );
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
