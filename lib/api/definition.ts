import { z, type ZodType } from 'zod';
import { httpStatus, type ErrorCode } from '../errors';
import type { Permission } from '../auth/permissions';

/**
 * What an `/api/v1` route is: the contract its handler is held to and, unchanged, its OpenAPI
 * operation (lib/api/openapi.ts). One object per route, in `lib/api/routes/`; `app/api/v1/**`
 * only mounts it.
 */

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** A field of a multipart/form-data body (uploads read their parts themselves, streamed). */
export interface MultipartField {
  type: 'string' | 'file';
  description: string;
  required?: boolean;
}

/** A JSON answer: its status, its schema (generated_at included) and an example that passes it. */
export interface JsonAnswerSpec<R> {
  status: 200 | 201 | 202;
  description: string;
  schema: ZodType<R>;
  example: NoInfer<R>;
}

/** A file answer (a PDF): its media type and the headers that describe it. */
export interface FileAnswerSpec {
  status: 200;
  description: string;
  contentType: string;
  headers: Record<string, { description: string; example: string }>;
}

export interface RouteDefinition<P, Q, B, R> {
  method: HttpMethod;
  /** The path under `/api/v1`, parameters as in OpenAPI: `/models/{id}/promote`. */
  path: string;
  /** The OpenAPI operationId, and the name clients generated from the document call. */
  operationId: string;
  summary: string;
  permission: Permission;
  /** Path parameters, one per `{name}` in `path`. */
  params?: ZodType<P>;
  query?: ZodType<Q>;
  /** A JSON body, parsed and validated before the handler runs. */
  body?: ZodType<B>;
  /**
   * The body as the document describes it, when the route checks it in two steps (predict/batch
   * parses the envelope first, so that too many rows is a 413 before any row is validated, and
   * then each row with the same row schema).
   */
  documentedBody?: ZodType;
  /** A multipart body the handler reads itself. */
  multipart?: Record<string, MultipartField>;
  /** Largest accepted JSON body in bytes (413 above; default 1 MB). */
  maxBodyBytes?: number;
  response: JsonAnswerSpec<R> | FileAnswerSpec;
  /**
   * Errors this route answers beyond those every route can (ROUTE_ERRORS) and those a JSON body
   * brings (BODY_ERRORS).
   */
  errors?: readonly ErrorCode[];
  /** A request that works, for the document (query values as they are written in a URL). */
  exampleRequest?: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown };
  /** Served for API clients by the fast path (lib/api/fast-path.ts); exact paths only. */
  fast?: boolean;
  /** Audit every call as a state change under this action name. */
  audit?: string;
}

/** A definition whatever its types, as the registry, the document and the fast path hold it. */
export type AnyRouteDefinition = RouteDefinition<unknown, unknown, unknown, unknown>;

/**
 * What every route can answer whatever it does: invalid query (an unknown parameter is an error
 * on every route), no or bad credentials, a role or plan without it, not found (or not in your
 * tenant), rate limit or monthly quota, an internal error.
 */
export const ROUTE_ERRORS: readonly ErrorCode[] = ['bad_request', 'unauthorized', 'forbidden', 'not_found', 'rate_limited', 'quota_exceeded', 'internal'];

/** What a JSON body adds: over its byte limit (413), and from a session, not sent as JSON (415). */
export const BODY_ERRORS: readonly ErrorCode[] = ['payload_too_large', 'unsupported_media_type'];

/** Every error a route can answer, in status order. */
export function routeErrors(def: Pick<AnyRouteDefinition, 'errors' | 'body'>): ErrorCode[] {
  return [...new Set([...ROUTE_ERRORS, ...(def.body ? BODY_ERRORS : []), ...(def.errors ?? [])])];
}

/** When an answer was computed: every JSON answer carries it, stamped by `apiRoute`. */
export const generatedAtSchema = z.string().describe('When this answer was computed (ISO 8601, UTC); a cached forecast keeps the time it was computed.');

/** A JSON answer's schema: its own fields and `generated_at`. */
export function answerSchema<S extends z.ZodRawShape>(shape: S) {
  return z.object({ ...shape, generated_at: generatedAtSchema });
}

/** Every error code, from the one status map (lib/errors.ts). */
export const ERROR_CODES = Object.keys(httpStatus) as [ErrorCode, ...ErrorCode[]];

/** The API's error body (docs/serving.md) every refusal and failure is answered with. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string().describe('What is wrong and what to do, for a person'),
    details: z.record(z.string(), z.unknown()).describe('Where: e.g. issues [{ path, message }], field, limit'),
  }),
});
