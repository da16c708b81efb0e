import type { FastifyInstance, FastifySchema, RouteHandlerMethod } from 'fastify';

/** Methods an OpenAPI 3.1 path item has and a browser or client sends; GET and HEAD carry no body. */
const BODYLESS = ['GET', 'HEAD'] as const;
const WITH_BODY = ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const DOCUMENTED: readonly string[] = [...BODYLESS, ...WITH_BODY];

/**
 * The invoke schemas document the path, headers and body (OpenAPI) but check nothing: ids and
 * names are checked by their lookups, every header value is a string (Node joins repeated ones)
 * and the body is the function's, so validating them would only cost each call a validator run.
 */
export const documentedOnly = () => () => true;

/** A function's input: any bytes, any Content-Type. */
export const AnyBody = {
  description: 'Passed to the function as it is',
  content: { '*/*': { schema: {} } },
};

/**
 * Routes every method Fastify serves at `url` to `handler`, as Fn does for HTTP triggers and v1
 * routes. Each method OpenAPI 3.1 knows is an operation of its own, `<operationId><Method>`
 * (`invokeTriggerGet`); the others (TRACE, QUERY) reach the function too, undocumented.
 */
export function routeAnyMethod(
  app: FastifyInstance,
  url: string,
  opts: { operationId: string; schema: FastifySchema; handler: RouteHandlerMethod },
): void {
  const { operationId, schema, handler } = opts;
  for (const method of DOCUMENTED) {
    const withBody = (WITH_BODY as readonly string[]).includes(method);
    app.route({
      method,
      url,
      handler,
      validatorCompiler: documentedOnly,
      exposeHeadRoute: false,
      // @fastify/swagger leaves HEAD routes out unless told.
      ...(method === 'HEAD' ? { config: { swagger: { exposeHeadRoute: true } } } : {}),
      schema: {
        ...schema,
        operationId: `${operationId}${method[0]}${method.slice(1).toLowerCase()}`,
        ...(withBody ? { body: AnyBody } : {}),
      },
    });
  }
  const others = app.supportedMethods.filter((m) => !DOCUMENTED.includes(m));
  if (others.length > 0) app.route({ method: others, url, handler, schema: { hide: true } });
}
