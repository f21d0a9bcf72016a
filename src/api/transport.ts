import { isAxiosError } from 'axios';
import { AnswerTooLargeError, ConnectionError, type RequestInfo, TimeoutError } from './errors.js';

/*
 * What a request that got no usable answer becomes: a timeout, a connection problem (refused,
 * reset, unknown host), or an answer too large to read, which is the server's doing.
 */

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running, and is the URL right?)',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  ERR_BAD_RESPONSE: 'the answer was cut off',
  ERR_SOCKET_CONNECTION_TIMEOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate cannot be verified",
};

/** axios stops reading an answer past `maxContentLength` with this message (its http adapter). */
const TOO_LARGE = /^maxContentLength size of \d+ exceeded$/;

export function transportFailure(
  err: unknown,
  request: RequestInfo,
  limits: { timeoutMs: number; maxAnswerBytes: number },
): Error {
  const code = isAxiosError(err) ? err.code : (err as NodeJS.ErrnoException | undefined)?.code;
  if (isAxiosError(err) && TOO_LARGE.test(err.message)) return new AnswerTooLargeError(request, limits.maxAnswerBytes);
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') {
    return new TimeoutError(request, limits.timeoutMs);
  }
  const reason =
    (code === undefined ? undefined : REASONS[code]) ??
    (isAxiosError(err) && /socket hang up|aborted/i.test(err.message) ? 'the connection was closed' : undefined) ??
    `network error${code === undefined ? '' : ` ${code}`}`;
  return new ConnectionError(request, code, reason);
}
