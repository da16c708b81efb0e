import type { Command } from 'commander';
import { registerApps } from './apps-commands.js';
import { registerBuild } from './build-command.js';
import { registerCalls } from './calls-commands.js';
import { registerContexts } from './context-commands.js';
import { registerDeploy } from './deploy-command.js';
import { registerFns } from './fns-commands.js';
import { registerInit } from './init-command.js';
import { registerInvoke } from './invoke-command.js';
import { registerTokens } from './token-commands.js';
import { registerTriggers } from './triggers-commands.js';
import { registerVerbs } from './verbs.js';

/** Every command but `start`: those that work on function directories or talk to the API. */
export function registerClientCommands(program: Command): void {
  registerInit(program);
  registerBuild(program);
  registerDeploy(program);
  registerInvoke(program);
  registerCalls(program);
  registerTokens(program);
  registerContexts(program);
  const verbs = registerVerbs(program);
  registerApps(verbs);
  registerFns(verbs);
  registerTriggers(verbs);
}
