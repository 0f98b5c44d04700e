/** The OpenAPI 3.1 document of `gagent serve`, built from the route table (so it cannot drift from it). */
import { z } from 'zod';
import type { Route } from './routes.js';

const ERROR = {
  description: 'One sentence saying what is wrong and how to fix it',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string' }, message: { type: 'string' } },
            required: ['code', 'message'],
          },
          result: {
            description:
              "The command's document when it did part of its work before failing (e.g. disconnected here, the revoke at Composio failed)",
          },
        },
        required: ['error'],
      },
    },
  },
};

const HTML = { 'text/html': { schema: { type: 'string' } } };

/** Every error a route can answer, as {error: {code, message}}. */
function errorsFor(authenticated: boolean): Record<string, unknown> {
  const statuses = {
    '400':
      'Bad request: a parameter, header or body the route does not take (submitting a run: also a controllerUrl the server does not allow)',
    ...(authenticated
      ? { '401': 'No or wrong bearer token', '403': 'Not authorized (the account is not connected)' }
      : {}),
    '404': 'No such route, or no such run of this user',
    '405': 'Method not allowed (the Allow header lists the ones that are)',
    '408': 'The body stopped arriving',
    '413': 'The body is over the limit (1 MB)',
    '415': 'The body is not JSON',
    '500': 'The command failed',
    '502': 'Composio, the model or an MCP server could not be reached',
    '503': 'The server is stopping',
  };
  return Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => [status, { ...ERROR, description }]),
  );
}

function successOf(route: Route): Record<string, unknown> {
  if (!('special' in route))
    return {
      '200': {
        description: 'The same document the CLI command prints with --json',
        content: { 'application/json': {} },
      },
    };
  switch (route.special) {
    case 'connect':
      return {
        '201': {
          description: "Composio's link for the user to open (or ACTIVE when already connected)",
          content: { 'application/json': {} },
        },
      };
    case 'submit':
      return {
        '200': {
          description:
            'Already submitted with this Idempotency-Key and body: {runId, user, status (its status now), replayed: true}; header Idempotent-Replayed: true',
          content: { 'application/json': {} },
        },
        '202': {
          description:
            'The run is queued for a worker: {runId, user, status: "queued", replayed: false}, and warnings when no worker has been seen on the database for a minute',
          content: { 'application/json': {} },
        },
        '409': {
          ...ERROR,
          description: 'This Idempotency-Key was already used for another run with a different body',
        },
      };
    case 'report':
      return { '200': { description: 'The HTML report of the run (self-contained)', content: HTML } };
    default:
      return { '200': { description: 'The OpenAPI document', content: { 'application/json': {} } } };
  }
}

/** The callback answers the browser, with a page whatever happened. */
const CALLBACK_ANSWERS = {
  '200': { description: 'Connected, or the provider refused (the page says which)', content: HTML },
  '202': { description: 'Still finishing; check the status in a moment', content: HTML },
  '400': { description: 'Not for a connect in progress', content: HTML },
  '409': { description: 'This connect was already answered', content: HTML },
  '502': { description: 'Not connected: Composio could not finish it', content: HTML },
};

export function openApiDocument(table: Route[], version: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of table) {
    const path = route.path.replace(/:([a-z]+)/g, '{$1}');
    const pathParams = [...route.path.matchAll(/:([a-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = Object.entries(route.query ?? {}).map(([name, description]) => ({
      name,
      in: 'query',
      required: false,
      description,
      schema: { type: 'string' },
    }));
    const headerParams = Object.entries(('special' in route && route.headers) || {}).map(
      ([name, description]) => ({
        name,
        in: 'header',
        required: false,
        description,
        schema: { type: 'string' },
      }),
    );
    const isPublic = 'special' in route && route.public;
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      summary: route.summary,
      parameters: [
        ...pathParams,
        ...queryParams,
        ...headerParams,
        ...(isPublic
          ? []
          : [
              {
                name: 'X-User-Id',
                in: 'header',
                required: false,
                description: 'The user (default: the server’s GAGENT_USER, else singleton)',
                schema: { type: 'string' },
              },
            ]),
      ],
      ...(route.body
        ? {
            requestBody: {
              // Command routes read a missing body as {} (server.ts); submitting needs a task.
              required: !route.body.safeParse({}).success,
              content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input' }) } },
            },
          }
        : {}),
      ...(isPublic ? { security: [] } : {}),
      responses: isPublic ? CALLBACK_ANSWERS : { ...errorsFor(true), ...successOf(route) },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'gagent serve', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
