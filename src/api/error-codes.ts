/**
 * The stable codes of the client's errors (ApiError `code`), each with what it means. A
 * program branches on these rather than on messages or classes: a code is never renamed or
 * given a new meaning; codes are only added. The README lists them (a test keeps it in step).
 */
export const API_ERROR_CODES = {
  unauthorized: 'EcoTaxa rejected the token: invalid or expired (401)',
  forbidden: 'EcoTaxa refused: no right to do this, or no token sent (403)',
  'not-found': 'EcoTaxa has no such object (404 with its own message)',
  rejected: 'EcoTaxa refused the request as invalid (422, or another 4xx)',
  'rate-limited': 'EcoTaxa asked to slow down (429), and the retries of a read did not get through',
  conflict: 'a write met another write of the same project (a 500 on a unique index); nothing of it was kept',
  'server-error': 'EcoTaxa failed with an internal error (500, and any other 5xx but 502, 503 and 504)',
  unavailable: 'EcoTaxa, or a proxy in front of it, is unavailable (502, 503, 504)',
  'not-ecotaxa':
    'the server does not answer as an EcoTaxa API does (a redirect, an HTML page, a 404 on a route every EcoTaxa has)',
  schema: 'an answer whose data does not have the shape the client relies on',
  'too-large': 'an answer larger than maxAnswerBytes: it was not read',
  inconsistent: 'an answer other than asked for: a project not asked for, or a listing that repeats or never ends',
  connection: 'no answer: connection refused or reset, unknown host, a TLS certificate refused',
  timeout: 'no answer within timeoutMs',
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;
