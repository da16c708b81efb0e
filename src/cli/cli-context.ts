import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import { currentContext, localAdminToken } from './contexts.js';
import { reportError } from './exit-codes.js';
import { DEFAULT_API_URL, type GlobalOptions } from './global-options.js';
import type { OutputFormat } from './output.js';

/** What every command gets: the output format and a lazily created API client. */
export interface CliContext {
  output: OutputFormat;
  apiUrl: string;
  api(): ApiClient;
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
    const context = currentContext();
    const apiUrl = globals.apiUrl ?? process.env['FN_API_URL'] ?? context?.api_url ?? DEFAULT_API_URL;
    // The `fn` CLI's order: a flag, the environment, the context; then this machine's admin token.
    const token = globals.token ?? process.env['FN_TOKEN'] ?? context?.token ?? localAdminToken(apiUrl);
    let client: ApiClient | undefined;
    const ctx: CliContext = {
      output: globals.output ?? 'table',
      apiUrl,
      api() {
        client ??= new ApiClient(apiUrl, token);
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
