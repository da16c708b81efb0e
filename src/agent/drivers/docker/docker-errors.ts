/** Helpers for the errors dockerode raises (`statusCode`, `json.message`, `reason`). */
interface DockerodeError {
  statusCode?: unknown;
  json?: unknown;
  message?: unknown;
}

export function dockerStatus(err: unknown): number | undefined {
  const code = (err as DockerodeError | undefined)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Docker's own message when it sent one, else the error's message. */
export function dockerMessage(err: unknown): string {
  const e = err as DockerodeError | undefined;
  const json = e?.json;
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') {
    return (json as { message: string }).message;
  }
  if (typeof json === 'string' && json.trim() !== '') return json.trim();
  if (typeof e?.message === 'string') return e.message;
  return String(err);
}

/** The container is gone already, or another removal of it is under way. */
export function isGoneOrRemoving(err: unknown): boolean {
  const status = dockerStatus(err);
  if (status === 404) return true;
  return (
    status === 409 && /already in progress|is being removed|marked for removal/i.test(dockerMessage(err))
  );
}

export function isNoSuchImage(err: unknown): boolean {
  return dockerStatus(err) === 404 && /no such image/i.test(dockerMessage(err));
}

/** The engine itself cannot be reached (stopped, restarting, its socket gone): not the image's fault. */
export function isEngineAway(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return (
    typeof code === 'string' && ['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)
  );
}
