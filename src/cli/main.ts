#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { version } from '../app/version.js';
import { registerApps } from './apps-commands.js';
import { registerBuild } from './build-command.js';
import { registerCalls } from './calls-commands.js';
import { addGlobalOptions, reportError } from './cli-context.js';
import { registerDeploy } from './deploy-command.js';
import { ExitCode } from './exit-codes.js';
import { registerFns } from './fns-commands.js';
import { registerInit } from './init-command.js';
import { registerInvoke } from './invoke-command.js';
import { registerStart } from './start-command.js';
import { registerTriggers } from './triggers-commands.js';
import { registerVerbs } from './verbs.js';

const program = new Command('fnode')
  .description('fnode: a self-hosted serverless functions platform compatible with Fn')
  .version(version)
  // Usage errors exit 2 (commander's own default is 1, which here means "the API said no").
  .exitOverride()
  .showHelpAfterError('(add --help for usage)');
registerStart(program);
registerInit(program);
registerBuild(program);
registerDeploy(program);
registerInvoke(program);
registerCalls(program);
const verbs = registerVerbs(program);
registerApps(verbs);
registerFns(verbs);
registerTriggers(verbs);
addGlobalOptions(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  else reportError(e);
}
