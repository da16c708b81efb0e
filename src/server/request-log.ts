import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/** Paths that run functions: Fn's invoke endpoint, HTTP triggers and v1 routes. */
const INVOCATION = /^\/(?:invoke|t|r)\//;

/**
 * Fastify's per-request lines, at `debug` for invocations. A call is already counted in the
 * metrics and kept as a call record; two JSON lines more for each call at the default `info`
 * level cost about 0.15 ms of the event loop that serves calls. Control-plane requests and
 * failed requests keep Fastify's levels.
 */
export class RequestLogController extends LogController {
  override incomingRequest(
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (!INVOCATION.test(request.url)) super.incomingRequest(request, reply, metadata);
    else if (debugOn(request) && !this.isLogDisabled(request))
      request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (error || !INVOCATION.test(request.url)) super.requestCompleted(error, request, reply, metadata);
    else if (debugOn(reply) && !this.isLogDisabled(request))
      reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/** Whether the line would be written: else its fields are not even gathered. */
function debugOn(r: FastifyRequest | FastifyReply): boolean {
  const log = r.log as FastifyRequest['log'] & { isLevelEnabled?: (level: string) => boolean };
  return log.isLevelEnabled?.('debug') ?? true;
}
