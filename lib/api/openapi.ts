import { z, type ZodType } from 'zod';
import { httpStatus, type ErrorCode } from '../errors';
import { errorBodySchema, routeErrors, type AnyRouteDefinition } from './definition';
import { API_ROUTES } from './routes';

/**
 * The OpenAPI 3.1 document of `/api/v1`, generated from the route registry (lib/api/routes): each
 * operation is its route's definition, with the same zod schemas the handler validates with and
 * answers by. (The shape of dub's `lib/openapi`: the operation holds its request and response
 * schemas; errors from one map.)
 */

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema: requests as they are sent (`input`), answers as they come (`output`). */
export function jsonSchemaOf(schema: ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const ERROR_STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input: what and where',
  401: 'No or bad credentials',
  403: 'The role lacks the permission, or the plan lacks the feature',
  404: 'Not found (or not in your tenant)',
  409: 'Conflicts with the current state (no production model yet, another job of the kind running, already done, a file busy): the message says which',
  413: 'The body or upload is over its limit (details.limit)',
  415: 'From a browser session, a body not sent as JSON ("Content-Type: application/json")',
  423: 'Locked',
  429: 'Rate limit or quota reached; see Retry-After',
  500: 'Internal error; it has been logged',
};

/** The error answers of a route, one per status, naming the codes each can carry. */
function errorResponses(codes: readonly ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(httpStatus[code], [...(byStatus.get(httpStatus[code]) ?? []), code]);
  const out: Record<string, unknown> = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    const list = byStatus.get(status) as ErrorCode[];
    const response: Record<string, unknown> = {
      description: `${ERROR_STATUS_TEXT[status] ?? 'Error'} (code ${list.map((c) => `\`${c}\``).join(' or ')})`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
    if (list.includes('rate_limited')) response.headers = { 'Retry-After': { description: 'Seconds until a call is allowed again', schema: { type: 'integer', minimum: 1 } } };
    out[status] = response;
  }
  return out;
}

function parametersOf(def: AnyRouteDefinition): JsonSchema[] {
  const parameters: JsonSchema[] = [];
  const path = def.params ? (jsonSchemaOf(def.params, 'input') as { properties?: Record<string, JsonSchema> }) : {};
  for (const m of def.path.matchAll(/\{(\w+)\}/g)) {
    const p: JsonSchema = { name: m[1], in: 'path', required: true, schema: path.properties?.[m[1]] ?? { type: 'string' } };
    const example = def.exampleRequest?.params?.[m[1]];
    if (example !== undefined) p.example = example;
    parameters.push(p);
  }
  if (def.query) {
    const q = jsonSchemaOf(def.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      const p: JsonSchema = { name, in: 'query', required: q.required?.includes(name) ?? false, schema };
      const example = def.exampleRequest?.query?.[name];
      if (example !== undefined) p.example = example;
      parameters.push(p);
    }
  }
  return parameters;
}

function requestBodyOf(def: AnyRouteDefinition): JsonSchema | undefined {
  const body = def.documentedBody ?? def.body;
  if (body) {
    const media: JsonSchema = { schema: jsonSchemaOf(body, 'input') };
    if (def.exampleRequest?.body !== undefined) media.example = def.exampleRequest.body;
    return { required: true, content: { 'application/json': media } };
  }
  if (def.multipart) {
    const fields = Object.entries(def.multipart);
    return {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: fields.filter(([, f]) => f.required).map(([k]) => k),
            properties: Object.fromEntries(fields.map(([k, f]) => [k, f.type === 'file' ? { type: 'string', format: 'binary', description: f.description } : { type: 'string', description: f.description }])),
          },
        },
      },
    };
  }
  return undefined;
}

function successResponseOf(def: AnyRouteDefinition): JsonSchema {
  const r = def.response;
  if ('schema' in r) return { description: r.description, content: { 'application/json': { schema: jsonSchemaOf(r.schema, 'output'), example: r.example } } };
  return {
    description: r.description,
    headers: Object.fromEntries(Object.entries(r.headers).map(([name, h]) => [name, { description: h.description, schema: { type: 'string', example: h.example } }])),
    content: { [r.contentType]: { schema: { type: 'string', format: 'binary' } } },
  };
}

/** One route's OpenAPI operation. */
export function operationOf(def: AnyRouteDefinition): JsonSchema {
  const op: JsonSchema = {
    operationId: def.operationId,
    summary: def.summary,
    description: `Requires the permission \`${def.permission}\`.`,
    parameters: parametersOf(def),
  };
  const requestBody = requestBodyOf(def);
  if (requestBody) op.requestBody = requestBody;
  op.responses = { [def.response.status]: successResponseOf(def), ...errorResponses(routeErrors(def)) };
  return op;
}

function build(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const { definition } of API_ROUTES) (paths[definition.path] ??= {})[definition.method.toLowerCase()] = operationOf(definition);
  return {
    openapi: '3.1.0',
    info: { title: 'Foresight API', version: '1', description: 'Forecasts, predictions, data and models of your organisation. Every response carries generated_at; errors are { error: { code, message, details } }.' },
    servers: [{ url: '/api/v1' }],
    security: [{ apiKey: [] }, { session: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key created by an admin: Authorization: Bearer fsk....' },
        session: { type: 'apiKey', in: 'cookie', name: 'next-auth.session-token' },
      },
      schemas: { Error: jsonSchemaOf(errorBodySchema, 'output') },
    },
    paths,
  };
}

let built: JsonSchema | undefined;

/** The OpenAPI 3.1 document of `/api/v1` (built once per process: the registry does not change). */
export function openApiDocument(): Readonly<JsonSchema> {
  built ??= build();
  return built;
}
