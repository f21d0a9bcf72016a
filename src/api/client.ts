import axios, { type AxiosInstance, type AxiosResponse, isAxiosError } from 'axios';
import type { z } from 'zod';
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  NotEcoTaxaError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  type RequestInfo,
  SchemaError,
  ServerError,
  TimeoutError,
  ValidationError,
} from './errors.js';
import {
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  type Sleep,
  backoffDelay,
  parseRetryAfter,
  realSleep,
} from './retry.js';
import {
  loginAnswerSchema,
  minUserSchema,
  projectListSchema,
  projectSchema,
  updateAnswerSchema,
  userListSchema,
  userWithRightsSchema,
} from './schemas.js';
import type { MinUser, Project, UserWithRights } from './types.js';

/** Projects per `/projects/search` page: about a dozen requests for 1,000 projects. */
export const SEARCH_PAGE_SIZE = 100;
/** Ids per `/projects?project_ids=` call, to keep URLs well under proxies' limits. */
export const IDS_PER_LIST_CALL = 200;

export interface RequestLog {
  method: string;
  path: string;
  status: number | undefined;
  ms: number;
  attempt: number;
  error?: string;
}

export interface ClientOptions {
  /** API base URL, canonical (normalizeServerUrl). */
  baseUrl: string;
  token?: string | undefined;
  timeoutMs: number;
  userAgent: string;
  retry?: RetryPolicy;
  sleep?: Sleep;
  random?: () => number;
  now?: () => Date;
  /** Called once per HTTP attempt (for --verbose). Never given headers or bodies. */
  onRequest?: (log: RequestLog) => void;
  /** Called before a read is retried. */
  onRetry?: (info: { request: RequestInfo; error: ApiError; delayMs: number; retry: number }) => void;
  /** Turns a transport failure into a specific error (used by --replay to explain a miss). */
  mapTransportError?: (err: unknown, request: RequestInfo) => Error | undefined;
  /** Extra request headers (e.g. Accept-Encoding: identity while recording). */
  headers?: Record<string, string> | undefined;
  /** Ctrl-C: a failed read is not retried once aborted (no new request starts). */
  signal?: AbortSignal | undefined;
}

interface Call<T> {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  params?: Record<string, string | number | boolean>;
  data?: unknown;
  schema: z.ZodType<T>;
  /** Only idempotent reads are retried here; writes are retried by the caller after a fresh read. */
  retry: boolean;
}

export interface ProjectSearch {
  /** Only projects where the caller has Manage (an administrator still gets every project). */
  forManaging: boolean;
  title?: string | undefined;
  instrument?: string | undefined;
}

/**
 * A typed EcoTaxa API client: one method per endpoint the tool uses, answers checked with zod,
 * failures turned into ApiError subclasses with one-line messages.
 */
export class EcoTaxaClient {
  readonly baseUrl: string;
  private readonly http: AxiosInstance;
  private readonly token: string | undefined;
  private readonly options: ClientOptions;
  private readonly retry: RetryPolicy;
  private readonly sleep: Sleep;

  constructor(options: ClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl;
    this.token = options.token;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.sleep = options.sleep ?? realSleep;
    this.http = axios.create({
      baseURL: options.baseUrl,
      // The http adapter, not fetch: nock (tests, --record, --replay) intercepts node:http.
      adapter: 'http',
      timeout: options.timeoutMs,
      // Never follow a redirect: it could carry the Authorization header somewhere else.
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // Proxies from the environment are honoured by axios (HTTPS_PROXY, NO_PROXY).
      headers: { 'User-Agent': options.userAgent, Accept: 'application/json', ...options.headers },
    });
  }

  /** POST /login: the answer is the token itself, as a JSON string. */
  async login(email: string, password: string): Promise<string> {
    try {
      return await this.send({
        method: 'POST',
        path: '/login',
        data: { username: email, password },
        schema: loginAnswerSchema,
        retry: false,
      });
    } catch (err) {
      // Every EcoTaxa has /login: a 404 there means the URL points at something else.
      if (err instanceof NotFoundError) throw new NotEcoTaxaError(err.request, '404 Not Found');
      throw err;
    }
  }

  /**
   * GET /users/me. Check the token with this before trusting any project read: project reads
   * treat a bad token as no token and answer as to an anonymous visitor (API-NOTES).
   */
  async me(): Promise<UserWithRights> {
    try {
      return await this.send({ method: 'GET', path: '/users/me', schema: userWithRightsSchema, retry: true });
    } catch (err) {
      // Every EcoTaxa has /users/me; a 404 there means the URL points at something else.
      if (err instanceof NotFoundError) throw new NotEcoTaxaError(err.request, '404 Not Found');
      throw err;
    }
  }

  /** GET /users/search: active users whose *name* matches (ILIKE: % and _ are wildcards). */
  async searchUsers(byName: string): Promise<MinUser[]> {
    return this.send({
      method: 'GET',
      path: '/users/search',
      params: { by_name: byName },
      schema: userListSchema,
      retry: true,
    });
  }

  /** GET /users/{id}: any account, active or not; undefined if there is none. */
  async getUser(id: number): Promise<MinUser | undefined> {
    try {
      return await this.send({ method: 'GET', path: `/users/${id}`, schema: minUserSchema, retry: true });
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * Every page of GET /projects/search. Pages are ordered by projid: without an order the
   * server's pages can overlap and miss projects (API-NOTES "Projects").
   */
  async *searchProjectPages(search: ProjectSearch, pageSize = SEARCH_PAGE_SIZE): AsyncGenerator<Project[]> {
    for (let start = 0; ; start += pageSize) {
      const params: Record<string, string | number | boolean> = { for_managing: search.forManaging };
      if (search.title !== undefined) params['title_filter'] = search.title;
      if (search.instrument !== undefined) params['instrument_filter'] = search.instrument;
      params['order_field'] = 'projid';
      params['window_start'] = start;
      params['window_size'] = pageSize;
      const page = await this.send({
        method: 'GET',
        path: '/projects/search',
        params,
        schema: projectListSchema,
        retry: true,
      });
      yield page;
      if (page.length < pageSize) return;
    }
  }

  async searchProjects(search: ProjectSearch, onProgress?: (count: number) => void): Promise<Project[]> {
    const byId = new Map<number, Project>();
    for await (const page of this.searchProjectPages(search)) {
      const known = byId.size;
      for (const project of page) if (!byId.has(project.projid)) byId.set(project.projid, project);
      onProgress?.(byId.size);
      // A server that ignores window_start would send the same full page forever.
      if (page.length > 0 && byId.size === known) break;
    }
    return [...byId.values()].sort((a, b) => a.projid - b.projid);
  }

  /**
   * GET /projects?project_ids=1,2,3 (comma-separated: any other separator is a server error).
   * Ids that do not exist or that the caller cannot see are silently left out by EcoTaxa.
   */
  async getProjects(ids: readonly number[], onProgress?: (count: number) => void): Promise<Project[]> {
    const unique = [...new Set(ids)].sort((a, b) => a - b);
    const byId = new Map<number, Project>();
    for (let i = 0; i < unique.length; i += IDS_PER_LIST_CALL) {
      const chunk = unique.slice(i, i + IDS_PER_LIST_CALL);
      const page = await this.send({
        method: 'GET',
        path: '/projects',
        params: { project_ids: chunk.join(',') },
        schema: projectListSchema,
        retry: true,
      });
      for (const project of page) byId.set(project.projid, project);
      onProgress?.(byId.size);
    }
    return [...byId.values()].sort((a, b) => a.projid - b.projid);
  }

  /** GET /projects/{id}: the full model, read right before a write. */
  async getProject(id: number): Promise<Project> {
    return this.send({ method: 'GET', path: `/projects/${id}`, schema: projectSchema, retry: true });
  }

  /**
   * PUT /projects/{id} with the complete model: the server replaces every field and every
   * privilege with the body's. Never retried here: a PUT can commit and still fail to answer,
   * so the caller reads the project again before deciding to send it once more.
   */
  async updateProject(id: number, model: Project): Promise<void> {
    if (model.projid !== id) {
      // The server does not check the body's projid against the path (API-NOTES): we do.
      throw new Error(`internal error: PUT /projects/${id} with the body of project ${model.projid}`);
    }
    await this.send({ method: 'PUT', path: `/projects/${id}`, data: model, schema: updateAnswerSchema, retry: false });
  }

  private async send<T>(call: Call<T>): Promise<T> {
    for (let retryIndex = 0; ; retryIndex++) {
      try {
        return await this.once(call, retryIndex);
      } catch (err) {
        if (!call.retry || !(err instanceof ApiError) || !err.retryable || retryIndex >= this.retry.maxRetries) {
          throw err;
        }
        let delayMs = backoffDelay(retryIndex, this.retry, this.options.random);
        if (err instanceof RateLimitError && err.retryAfterMs !== undefined) {
          if (err.retryAfterMs > this.retry.maxRetryAfterMs) throw err;
          delayMs = Math.max(delayMs, err.retryAfterMs);
        }
        const signal = this.options.signal;
        const aborted = (): boolean => signal?.aborted === true;
        if (aborted()) throw err;
        this.options.onRetry?.({ request: err.request, error: err, delayMs, retry: retryIndex + 1 });
        await abortable(this.sleep(delayMs), signal);
        if (aborted()) throw err;
      }
    }
  }

  private async once<T>(call: Call<T>, attempt: number): Promise<T> {
    const request: RequestInfo = {
      method: call.method,
      path: displayPath(call.path, call.params),
      server: this.baseUrl,
    };
    const started = Date.now();
    const headers: Record<string, string> = {};
    if (this.token !== undefined) headers['Authorization'] = `Bearer ${this.token}`;
    let response: AxiosResponse<string>;
    try {
      response = await this.http.request<string>({
        method: call.method,
        url: call.path,
        params: call.params,
        data: call.data,
        headers,
        signal: AbortSignal.timeout(this.options.timeoutMs + 1_000),
      });
    } catch (err) {
      const mapped = this.transportError(err, request);
      this.options.onRequest?.({
        method: call.method,
        path: request.path,
        status: undefined,
        ms: Date.now() - started,
        attempt,
        error: mapped.message,
      });
      throw mapped;
    }
    this.options.onRequest?.({
      method: call.method,
      path: request.path,
      status: response.status,
      ms: Date.now() - started,
      attempt,
    });
    return this.readResponse(response, call, request);
  }

  private transportError(err: unknown, request: RequestInfo): Error {
    const special = this.options.mapTransportError?.(err, request);
    if (special !== undefined) return special;
    const code = isAxiosError(err) ? err.code : (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') {
      return new TimeoutError(request, this.options.timeoutMs);
    }
    const reasons: Record<string, string> = {
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
    const reason =
      (code === undefined ? undefined : reasons[code]) ??
      (isAxiosError(err) && /socket hang up|aborted/i.test(err.message) ? 'the connection was closed' : undefined) ??
      `network error${code === undefined ? '' : ` ${code}`}`;
    return new ConnectionError(request, code, reason);
  }

  private readResponse<T>(response: AxiosResponse<string>, call: Call<T>, request: RequestInfo): T {
    const status = response.status;
    const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
    const text = typeof response.data === 'string' ? response.data : '';
    const isJson = contentType.includes('json');
    const json = isJson ? parseJson(text) : undefined;

    if (status >= 200 && status < 300) {
      if (!isJson) throw new NotEcoTaxaError(request, describeBody(status, contentType, text), text.slice(0, 2_000));
      if (json === undefined) throw new NotEcoTaxaError(request, `${status} with malformed JSON`, text.slice(0, 2_000));
      const parsed = call.schema.safeParse(json.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new SchemaError(request, formatPath(issue?.path ?? []), issue?.message ?? 'invalid');
      }
      return parsed.data;
    }
    if (status >= 300 && status < 400) {
      const location: unknown = response.headers['location'];
      throw new NotEcoTaxaError(
        request,
        `a redirect (${status}${typeof location === 'string' ? ` to ${location}` : ''})`,
      );
    }
    const detail = json === undefined ? undefined : ecotaxaDetail(json.value);
    if (status === 401) return fail(new AuthenticationError(request));
    if (status === 429) {
      const retryAfter: unknown = response.headers['retry-after'];
      return fail(
        new RateLimitError(
          request,
          parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined, this.options.now?.() ?? new Date()),
        ),
      );
    }
    if (status >= 500) {
      const traceback = !isJson && text.includes('BACK-END') ? text : undefined;
      // A traceback of a data error (a duplicate key, a bad value) will fail the same way again.
      const deterministic =
        traceback !== undefined &&
        /\b(IntegrityError|ValueError|KeyError|TypeError|AttributeError|AssertionError)\b/.test(traceback);
      const summary =
        traceback !== undefined
          ? `EcoTaxa failed on ${request.method} ${request.path} with an internal error (${status}${exceptionLine(traceback)}); --verbose shows its traceback`
          : `EcoTaxa at ${request.server} is unavailable: ${request.method} ${request.path} answered ${status}${reasonPhrase(status)}${contentType.includes('html') ? ' from a proxy' : ''}; try again later`;
      return fail(new ServerError(request, status, summary, text.slice(0, 20_000) || undefined, !deterministic));
    }
    if (detail === undefined) {
      // A 404 without EcoTaxa's JSON: the URL is wrong. Anything else: a proxy or firewall.
      if (status === 404)
        return fail(new NotEcoTaxaError(request, describeBody(status, contentType, text), text.slice(0, 2_000)));
      return fail(
        new ApiError(
          `EcoTaxa at ${request.server} (or a proxy in front of it) refused ${request.method} ${request.path}: ${describeBody(status, contentType, text)}`,
          request,
          { status, details: text.slice(0, 2_000) },
        ),
      );
    }
    if (status === 403) return fail(new PermissionDeniedError(request, detail));
    if (status === 404) return fail(new NotFoundError(request, detail));
    if (status === 422) return fail(new ValidationError(request, detail));
    return fail(
      new ApiError(`EcoTaxa refused ${request.method} ${request.path}: ${status} ${detail}`, request, { status }),
    );
  }
}

/** Resolves when `wait` does, or as soon as `signal` aborts. */
function abortable(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return wait;
  return Promise.race([
    wait,
    new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
  ]);
}

function fail(err: Error): never {
  throw err;
}

/** The path as shown in messages and logs: query unencoded, long values shortened. */
function displayPath(path: string, params: Record<string, string | number | boolean> | undefined): string {
  if (params === undefined) return path;
  const query = Object.entries(params)
    .map(([k, v]) => {
      const value = String(v);
      return `${k}=${value.length > 40 ? `${value.slice(0, 37)}...` : value}`;
    })
    .join('&');
  return `${path}?${query}`;
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/**
 * EcoTaxa's error bodies: `{"detail": "text"}`, `{"detail": ["text", ...]}` or FastAPI's
 * `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}` (API-NOTES "Error shapes").
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
    return String(item);
  });
  return parts.join('; ');
}

/**
 * The gist of a Python traceback: the exception's class, then its DETAIL line when the
 * database gave one (it names the row or key at fault), else the exception's message.
 */
export function exceptionLine(traceback: string): string {
  const lines = traceback.split('\n').map((l) => l.trim());
  const line = lines.find((l) => /^[A-Za-z_][\w.]*(Error|Exception)\b.*:/.test(l));
  if (line === undefined) return '';
  const [, qualified = '', message = ''] = /^([\w.]+):\s*(.*)$/.exec(line) ?? [];
  const name = qualified.split('.').pop() ?? qualified;
  const detail = lines.find((l) => l.startsWith('DETAIL:'))?.replace(/^DETAIL:\s*/, '');
  const gist = `${name}: ${detail ?? message}`;
  return `: ${gist.length > 160 ? `${gist.slice(0, 157)}...` : gist}`;
}

function reasonPhrase(status: number): string {
  const phrases: Record<number, string> = {
    500: ' Internal Server Error',
    502: ' Bad Gateway',
    503: ' Service Unavailable',
    504: ' Gateway Timeout',
  };
  return phrases[status] ?? '';
}

function describeBody(status: number, contentType: string, text: string): string {
  if (contentType.includes('html') || /^\s*<(!doctype|html)/i.test(text)) return `${status} with an HTML page`;
  if (contentType === '') return `${status} with no content type`;
  return `${status} with ${contentType.split(';')[0]}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(the whole answer)' : out;
}
