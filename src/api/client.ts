import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import { errorMessage } from '../errors.js';
import { ApiError, NotEcoTaxaError, NotFoundError, type RequestInfo, SchemaError } from './errors.js';
import { errorForResponse } from './failed-response.js';
import { ListingCheck, checkAskedIds } from './answer-checks.js';
import { describeBody, displayPath, formatPath, headerText } from './error-text.js';
import { transportFailure } from './transport.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, type Sleep, realSleep, withRetries } from './retry.js';
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
/**
 * The largest answer the client reads. A page of 100 projects is a few hundred kB and the
 * largest single project a few MB: 64 MiB is far above any real answer, and far below what
 * a process can hold as one text (an answer of hundreds of MB takes gigabytes to parse).
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** One HTTP attempt, as --verbose and the apply engine's concurrency limiter see it. */
export interface RequestLog {
  method: string;
  path: string;
  status: number | undefined;
  /** The attempt alone, never a backoff wait. */
  ms: number;
  attempt: number;
  error?: string;
  /** The failure, if any (never carries a secret). */
  failure?: ApiError | undefined;
  /** Requests of this client in flight when this one was sent, itself included. */
  inFlight: number;
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
  /** The most projects one search may list (default MAX_LISTED_PROJECTS, 100,000). */
  maxListedProjects?: number | undefined;
  /** The largest answer read, in bytes (default MAX_ANSWER_BYTES, 64 MiB); a larger one is an AnswerTooLargeError. */
  maxAnswerBytes?: number | undefined;
}

interface Call<T> {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  params?: Record<string, string | number | boolean>;
  data?: unknown;
  schema: z.ZodType<T>;
  /** Only idempotent reads are retried here; writes are retried by the caller after a fresh read. */
  retry: boolean;
  /** Throws when the answer, valid as data, is not what was asked for (src/api/answer-checks.ts). */
  check?: (value: T, request: RequestInfo) => void;
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
  private readonly maxAnswerBytes: number;
  private readonly listeners = new Set<(log: RequestLog) => void>();
  private inFlight = 0;

  constructor(options: ClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl;
    this.token = options.token;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.sleep = options.sleep ?? realSleep;
    this.maxAnswerBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
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
      // Counted as it arrives (after decompression): a larger answer is not read to its end.
      maxContentLength: this.maxAnswerBytes,
      // Proxies from the environment are honoured by axios (HTTPS_PROXY, NO_PROXY).
      headers: { 'User-Agent': options.userAgent, Accept: 'application/json', ...options.headers },
    });
  }

  /**
   * Calls `listener` after every HTTP attempt (the apply engine's concurrency limiter reads
   * latencies and overload answers from it). Returns the function that stops it.
   */
  observe(listener: (log: RequestLog) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
   * GET /users/me. Check the token with this before trusting any project read: the project
   * search takes a bad token for no token and answers as to an anonymous visitor, and a single
   * project answers it as a missing right
   * (docs/ecotaxa-api.md#expired-tokens-read-as-anonymous).
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
   * server's pages can overlap and miss projects. A page that repeats or breaks that order,
   * holds a project that does not match the filters, or takes the listing past
   * MAX_LISTED_PROJECTS is an error: the listing cannot be complete.
   */
  async *searchProjectPages(search: ProjectSearch, pageSize = SEARCH_PAGE_SIZE): AsyncGenerator<Project[]> {
    const listing = new ListingCheck(search, pageSize, this.options.maxListedProjects);
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
        check: (projects, request) => listing.page(projects, request),
      });
      yield page;
      if (page.length < pageSize) return;
    }
  }

  async searchProjects(search: ProjectSearch, onProgress?: (count: number) => void): Promise<Project[]> {
    const projects: Project[] = [];
    // Pages checked in order of id, each project once (searchProjectPages).
    for await (const page of this.searchProjectPages(search)) {
      for (const project of page) projects.push(project);
      onProgress?.(projects.length);
    }
    return projects;
  }

  /**
   * GET /projects?project_ids=1,2,3 (comma-separated: any other separator is a server error).
   * Ids that do not exist or that the caller cannot see are silently left out by EcoTaxa; a
   * project not asked for, or one twice, is an error (UnexpectedAnswerError).
   */
  async getProjects(
    ids: readonly number[],
    onProgress?: (count: number) => void,
    options: { retry?: boolean } = {},
  ): Promise<Project[]> {
    const unique = [...new Set(ids)].sort((a, b) => a - b);
    const byId = new Map<number, Project>();
    for (let i = 0; i < unique.length; i += IDS_PER_LIST_CALL) {
      const chunk = unique.slice(i, i + IDS_PER_LIST_CALL);
      const asked = new Set(chunk);
      const page = await this.send({
        method: 'GET',
        path: '/projects',
        params: { project_ids: chunk.join(',') },
        schema: projectListSchema,
        check: (projects, request) => checkAskedIds(projects, asked, request),
        // The apply engine retries its own reads, so that a project waiting does not hold a slot.
        retry: options.retry ?? true,
      });
      for (const project of page) byId.set(project.projid, project);
      onProgress?.(byId.size);
    }
    return [...byId.values()].sort((a, b) => a.projid - b.projid);
  }

  /** GET /projects/{id}: the full model, read right before a write. */
  async getProject(id: number): Promise<Project> {
    return this.send({
      method: 'GET',
      path: `/projects/${id}`,
      schema: projectSchema,
      retry: true,
      check: (project, request) => checkAskedIds([project], new Set([id]), request),
    });
  }

  /**
   * PUT /projects/{id} with the complete model: the server replaces every field and every
   * privilege with the body's. Never retried here: a PUT can commit and still fail to answer,
   * so the caller reads the project again before deciding to send it once more.
   */
  async updateProject(id: number, model: Project): Promise<void> {
    if (model.projid !== id) {
      // The server does not check the body's projid against the path: we do
      // (docs/ecotaxa-api.md#whole-model-put).
      throw new Error(`internal error: PUT /projects/${id} with the body of project ${model.projid}`);
    }
    await this.send({ method: 'PUT', path: `/projects/${id}`, data: model, schema: updateAnswerSchema, retry: false });
  }

  /** One call; a read is retried on passing failures (src/api/retry.ts withRetries). */
  private send<T>(call: Call<T>): Promise<T> {
    if (!call.retry) return this.once(call, 0);
    const onRetry = this.options.onRetry;
    return withRetries((retryIndex) => this.once(call, retryIndex), {
      policy: this.retry,
      sleep: this.sleep,
      random: this.options.random,
      signal: this.options.signal,
      onRetry:
        onRetry === undefined
          ? undefined
          : ({ error, delayMs, retry }) => onRetry({ request: error.request, error, delayMs, retry }),
    });
  }

  private async once<T>(call: Call<T>, attempt: number): Promise<T> {
    const request: RequestInfo = {
      method: call.method,
      path: displayPath(call.path, call.params),
      server: this.baseUrl,
    };
    const headers: Record<string, string> = {};
    if (this.token !== undefined) headers['Authorization'] = `Bearer ${this.token}`;
    const inFlight = ++this.inFlight;
    const started = performance.now();
    const log = (status: number | undefined, failure?: unknown): void => {
      const entry: RequestLog = {
        method: call.method,
        path: request.path,
        status,
        ms: Math.round(performance.now() - started),
        attempt,
        inFlight,
      };
      if (failure instanceof ApiError) entry.failure = failure;
      if (status === undefined && failure !== undefined) entry.error = errorMessage(failure);
      this.options.onRequest?.(entry);
      for (const listener of this.listeners) listener(entry);
    };
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
      this.inFlight--;
      const mapped = this.transportError(err, request);
      log(undefined, mapped);
      throw mapped;
    }
    this.inFlight--;
    try {
      const value = this.readResponse(response, call, request);
      call.check?.(value, request);
      log(response.status);
      return value;
    } catch (err) {
      log(response.status, err);
      throw err;
    }
  }

  private transportError(err: unknown, request: RequestInfo): Error {
    return (
      this.options.mapTransportError?.(err, request) ??
      transportFailure(err, request, { timeoutMs: this.options.timeoutMs, maxAnswerBytes: this.maxAnswerBytes })
    );
  }

  private readResponse<T>(response: AxiosResponse<string>, call: Call<T>, request: RequestInfo): T {
    const status = response.status;
    const contentType = headerText(response.headers['content-type']).toLowerCase();
    const text = typeof response.data === 'string' ? response.data : '';
    if (status < 200 || status >= 300) {
      throw errorForResponse(
        {
          status,
          contentType,
          text,
          retryAfter: headerText(response.headers['retry-after']) || undefined,
          location: headerText(response.headers['location']) || undefined,
        },
        request,
        this.options.now?.() ?? new Date(),
      );
    }
    if (!contentType.includes('json')) {
      throw new NotEcoTaxaError(request, describeBody(status, contentType, text), text.slice(0, 2_000));
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new NotEcoTaxaError(request, `${status} with malformed JSON`, text.slice(0, 2_000));
    }
    const parsed = call.schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SchemaError(request, formatPath(issue?.path ?? []), issue?.message ?? 'invalid');
    }
    return parsed.data;
  }
}
