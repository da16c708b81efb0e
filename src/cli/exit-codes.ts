/** What the `fnode` process exit status means, for scripts. */
export const ExitCode = {
  ok: 0,
  /** The API refused the request, the function failed, or a build failed. */
  failure: 1,
  /** Bad command line, flag or project file (func.yaml): nothing was sent anywhere. */
  usage: 2,
  /** The fnode server or the Docker Engine could not be reached. */
  unreachable: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for the user: its message says what went wrong and what to do next. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError => new CliError(message, ExitCode.usage);

/** Prints an error for the user (a {@link CliError}'s message, else the stack) and sets the exit status. */
export function reportError(e: unknown): void {
  if (e instanceof CliError) {
    process.stderr.write(`fnode: ${e.message}\n`);
    process.exitCode = e.exitCode;
    return;
  }
  process.stderr.write(
    `fnode: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exitCode = ExitCode.failure;
}
