import type { RequestInfo } from './errors.js';

/*
 * How failures read: the text of EcoTaxa's error bodies and tracebacks, as one-line messages.
 * Which failure is which, and whether it may be tried again, is src/api/failed-response.ts.
 */

/** A request as messages name it: "PUT /projects/7". */
export function describeRequest(request: RequestInfo): string {
  return `${request.method} ${request.path}`;
}

/** A duration for messages: "30 s", "2.5 s". */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * EcoTaxa's error bodies: `{"detail": "text"}`, `{"detail": ["text", ...]}` or FastAPI's
 * `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}` (docs/ecotaxa-api.md#error-shapes).
 */
export function ecotaxaDetail(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || !('detail' in body)) return undefined;
  const detail = body.detail;
  if (typeof detail === 'string') return detail;
  if (!Array.isArray(detail)) return undefined;
  const parts = detail.map((item: unknown) => {
    if (typeof item === 'string') return item;
    if (item !== null && typeof item === 'object') {
      const { loc, msg } = item as { loc?: unknown; msg?: unknown };
      const where = Array.isArray(loc) ? loc.filter((p) => p !== 'body').join('.') : '';
      const text = typeof msg === 'string' ? msg : JSON.stringify(item);
      return where === '' ? text : `${where}: ${text}`;
    }
    return JSON.stringify(item);
  });
  return parts.join('; ');
}

/**
 * The gist of a Python traceback: the exception's class, then its DETAIL line when the
 * database gave one (it names the row or key at fault), else the exception's message.
 */
export function exceptionLine(traceback: string): string {
  const lines = traceback.split('\n').map((l) => l.trim());
  const line = finalException(traceback);
  if (line === undefined) return '';
  // `s`: a message may hold a CR or U+2028, which `.` alone does not match (shown inert later).
  const [, qualified = '', message = ''] = /^([\w.]+):\s*(.*)$/s.exec(line) ?? [];
  const name = qualified.split('.').pop() ?? qualified;
  const detail = lines.find((l) => l.startsWith('DETAIL:'))?.replace(/^DETAIL:\s*/, '');
  const gist = `${name}: ${detail ?? message}`;
  return `: ${gist.length > 160 ? `${gist.slice(0, 157)}...` : gist}`;
}

/** The last exception line of a Python traceback ("module.SomeError: message"), if any. */
export function finalException(traceback: string): string | undefined {
  const lines = traceback.split('\n').map((l) => l.trim());
  return lines.findLast((l) => /^[A-Za-z_][\w.]*(Error|Exception)\b.*:/.test(l));
}

export function reasonPhrase(status: number): string {
  const phrases: Record<number, string> = {
    500: ' Internal Server Error',
    502: ' Bad Gateway',
    503: ' Service Unavailable',
    504: ' Gateway Timeout',
  };
  return phrases[status] ?? '';
}

export function describeBody(status: number, contentType: string, text: string): string {
  if (contentType.includes('html') || /^\s*<(!doctype|html)/i.test(text)) return `${status} with an HTML page`;
  if (contentType === '') return `${status} with no content type`;
  return `${status} with ${contentType.split(';')[0]}`;
}

/** A header's value as text ('' when absent). */
export function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.join(', ');
  return '';
}

/** The path as shown in messages and logs: query unencoded, long values shortened. */
export function displayPath(path: string, params: Record<string, string | number | boolean> | undefined): string {
  if (params === undefined) return path;
  const query = Object.entries(params)
    .map(([k, v]) => {
      const value = String(v);
      return `${k}=${value.length > 40 ? `${value.slice(0, 37)}...` : value}`;
    })
    .join('&');
  return `${path}?${query}`;
}

/** Where in an answer a data problem is, as `managers[0].id`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(the whole answer)' : out;
}
