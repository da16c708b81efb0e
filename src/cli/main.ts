#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { version } from '../app/version.js';
import { ExitCode, reportError } from './exit-codes.js';
import { addGlobalOptions } from './global-options.js';
import { registerStart } from './start-command.js';

/** The program's options that take a value: their value is not a command name. */
const PROGRAM_OPTIONS_WITH_VALUE = new Set(['--api-url', '--token', '-o', '--output']);

/** The command named on the command line (the first word that is not a program option). */
function commandName(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (PROGRAM_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

const program = new Command('fnode')
  .description('fnode: a self-hosted serverless functions platform compatible with Fn')
  .version(version)
  // Usage errors exit 2 (commander's own default is 1, which here means "the API said no").
  .exitOverride()
  .showHelpAfterError('(add --help for usage)');
registerStart(program);
// A server runs for days on what it loaded: `start` skips the other commands' modules (an HTTP
// client, a YAML parser), which nothing it parses or prints needs.
if (commandName(process.argv.slice(2)) !== 'start') {
  const { registerClientCommands } = await import('./client-commands.js');
  registerClientCommands(program);
}
addGlobalOptions(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  else reportError(e);
}
