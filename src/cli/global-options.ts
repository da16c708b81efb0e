import { type Command, Option } from 'commander';
import type { OutputFormat } from './output.js';

export const DEFAULT_API_URL = 'http://localhost:8080';

export interface GlobalOptions {
  apiUrl?: string;
  token?: string;
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
      .option(
        '--token <token>',
        "API token (env FN_TOKEN; default: the context's, or a local server's admin token)",
      )
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
