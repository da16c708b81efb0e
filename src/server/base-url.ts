import type { FastifyRequest } from 'fastify';

/** FN_PUBLIC_LB_URL when set, else the scheme and Host the client used (Fn's annotators). */
export function baseUrl(req: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl;
  return `${req.protocol}://${req.host}`;
}
