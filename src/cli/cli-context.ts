import { type Command, Option } from 'commander';
import { ApiClient, DEFAULT_API_URL } from './api-client.js';
import { CliError, ExitCode } from './exit-codes.js';
import type { OutputFormat } from './output.js';

/** What every command gets: the output format and a lazily created API client. */
export interface CliContext {
  output: OutputFormat;
  apiUrl: string;
  api(): ApiClient;
}

interface GlobalOptions {
  apiUrl?: string;
  output?: OutputFormat;
}

/**
 * `--api-url` and `--output` on the program (before the subcommand) and on every command that
 * talks to the API or prints results (after it). Positional parsing keeps a subcommand's own
 * flags, like `init --version`, away from the program's.
 */
export function addGlobalOptions(program: Command): void {
  program.enablePositionalOptions();
  const add = (cmd: Command) =>
    cmd
      .option('--api-url <url>', `fnode API URL (env FN_API_URL, default ${DEFAULT_API_URL})`)
      .addOption(
        new Option('-o, --output <format>', 'table for people (default), json for scripts').choices([
          'table',
          'json',
        ]),
      );
  add(program);
  const visit = (cmd: Command) => {
    if (cmd.commands.length === 0) {
      if (cmd.name() !== 'start' && cmd.name() !== 'help') add(cmd);
    } else for (const sub of cmd.commands) visit(sub);
  };
  for (const sub of program.commands) visit(sub);
}

/**
 * Wraps a command's handler: builds the context, turns a {@link CliError} into its message on
 * stderr and its exit code, and closes the API client.
 */
export function action<O extends object>(
  handler: (ctx: CliContext, args: string[], opts: O) => Promise<void>,
): (this: Command) => Promise<void> {
  return async function (this: Command) {
    const globals = this.optsWithGlobals<GlobalOptions & O>();
    const apiUrl = globals.apiUrl ?? process.env['FN_API_URL'] ?? DEFAULT_API_URL;
    let client: ApiClient | undefined;
    const ctx: CliContext = {
      output: globals.output ?? 'table',
      apiUrl,
      api() {
        client ??= new ApiClient(apiUrl);
        return client;
      },
    };
    try {
      await handler(ctx, this.args, this.opts<O>());
    } catch (e) {
      reportError(e);
    } finally {
      await client?.close();
    }
  };
}

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
