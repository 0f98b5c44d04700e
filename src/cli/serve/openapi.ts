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
        },
        required: ['error'],
      },
    },
  },
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
    const isPublic = 'special' in route && route.public;
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      summary: route.summary,
      parameters: [
        ...pathParams,
        ...queryParams,
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
              required: true,
              content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input' }) } },
            },
          }
        : {}),
      ...(isPublic ? { security: [] } : {}),
      responses: {
        '200': { description: 'The same document the CLI command prints with --json' },
        '400': ERROR,
        '401': ERROR,
        '403': ERROR,
        '413': ERROR,
        '502': ERROR,
      },
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
