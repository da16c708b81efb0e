import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';

/** One thing the node needs to serve: its outcome says what is wrong and what to do. */
export interface ReadinessCheck {
  name: string;
  /** Resolves undefined when fine, else why not; a rejection counts as not ready. */
  check(): Promise<string | undefined>;
}

/** A check that has not answered within this long counts as failed (a hung database, say). */
const CHECK_TIMEOUT_MS = 2000;

const Live = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Record(
    Type.String(),
    Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) }),
  ),
});

/** Fn's error body, as a node shutting down answers every request (inline: this plugin stands alone). */
const ShuttingDown = Type.Object({ message: Type.String() });

async function run(c: ReadinessCheck): Promise<{ ok: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  try {
    const problem = await Promise.race([
      c.check().catch((err: unknown) => (err instanceof Error ? err.message : String(err))),
      timeout,
    ]);
    return problem === undefined ? { ok: true } : { ok: false, detail: problem };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /health/live`: the process serves HTTP (for a restart policy). `GET /health/ready`: every
 * check passes (for a load balancer): 200, else 503 with each failed check's reason.
 */
export const healthRoutes: FastifyPluginAsync<{ checks: readonly ReadinessCheck[] }> = async (
  app,
  { checks },
) => {
  app.get(
    '/health/live',
    {
      schema: { operationId: 'getLiveness', tags: ['service'], summary: 'Liveness', response: { 200: Live } },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/health/ready',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['service'],
        summary: 'Readiness: datastore, Docker and the async backlog',
        response: {
          200: Ready,
          // A node shutting down answers every request with the error body instead.
          503: Type.Union([Ready, ShuttingDown], {
            description: 'A check failed (which, and why), or the server is shutting down',
          }),
        },
      },
    },
    async (_req, reply) => {
      const results = await Promise.all(checks.map(run));
      const ok = results.every((r) => r.ok);
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'unavailable',
        checks: Object.fromEntries(checks.map((c, i) => [c.name, results[i]!])),
      });
    },
  );
};
