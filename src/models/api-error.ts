/**
 * The one error class of fnode. Every error a client may see carries Fn's HTTP status and
 * Fn's exact message; anything that is not an ApiError is answered `internal server error`.
 */
export class ApiError extends Error {
  readonly status: number;
  /** Extra response headers (Retry-After on 503). */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * A stable name for the kind of error (the catalogue's key, e.g. `CallTimeout`): code that
   * must tell errors apart branches on it, never on the message, which is Fn's text to clients.
   */
  readonly code: string | undefined;

  constructor(status: number, message: string, headers: Record<string, string> = {}, code?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.headers = headers;
    this.code = code;
  }

  /** A fresh copy with its own stack, so a thrown catalogue error points at the thrower. */
  copy(): ApiError {
    return new ApiError(this.status, this.message, { ...this.headers }, this.code);
  }

  /** True when the client, not fnode or the function, is at fault. */
  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/**
 * A container that could not start: Fn's `Container failed to initialize…` with the cause Docker
 * or the process gave, and the lines the process wrote, for the call's log.
 */
export class ContainerStartError extends ApiError {
  constructor(
    prefix: string,
    cause: string,
    readonly lines: readonly string[],
  ) {
    super(502, `${prefix}: ${cause}`);
    this.name = 'ContainerStartError';
  }
}
