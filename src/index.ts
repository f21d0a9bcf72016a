/*
 * The library: `import { EcoTaxaClient } from 'ecotaxa-access'`. The typed EcoTaxa client the
 * CLI is built on, its errors (each with a stable `code` and the facts of the failure, never
 * the CLI's advice or exit codes), and the types of what EcoTaxa answers. Declarations are built
 * from this file alone (bin/build.mjs), and nothing exported here may mention zod or axios:
 * a program using the client type-checks without either installed.
 */
export {
  EcoTaxaClient,
  IDS_PER_LIST_CALL,
  MAX_ANSWER_BYTES,
  SEARCH_PAGE_SIZE,
  type ClientOptions,
  type ProjectSearch,
  type RequestLog,
} from './api/client.js';
export { API_ERROR_CODES, type ApiErrorCode } from './api/error-codes.js';
export {
  AnswerTooLargeError,
  ApiError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  IncompleteListingError,
  NotEcoTaxaError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  SchemaError,
  ServerError,
  TimeoutError,
  UnexpectedAnswerError,
  ValidationError,
  type ApiErrorOptions,
  type Delivery,
  type RequestInfo,
  type ServerFailure,
} from './api/errors.js';
export { MAX_LISTED_PROJECTS } from './api/answer-checks.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy, type Sleep } from './api/retry.js';
export type { MinUser, Project, UserWithRights } from './api/types.js';
