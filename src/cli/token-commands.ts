import type { Command } from 'commander';
import { action } from './cli-context.js';
import { usageError } from './exit-codes.js';
import { type Column, note, printJson, printList, println } from './output.js';
import type { Token } from './resources.js';

const COLUMNS: Column<Token>[] = [
  { header: 'NAME', value: (t) => t.name },
  { header: 'SCOPE', value: (t) => t.scope },
  { header: 'APP', value: (t) => t.app_id ?? '' },
  { header: 'EXPIRES', value: (t) => t.expires_at ?? '' },
  { header: 'LAST USED', value: (t) => t.last_used_at ?? '' },
  { header: 'ID', value: (t) => t.id },
];

interface CreateOptions {
  scope?: string;
  app?: string;
  expiresAt?: string;
}

/** `fnode token create|list|delete`: API tokens (admin scope). */
export function registerTokens(program: Command): void {
  const token = program.command('token').description('manage API tokens (needs an admin token)');
  token
    .command('create <name>')
    .description('create a token; its secret is printed once')
    .requiredOption('--scope <scope>', 'admin, deploy, invoke or read')
    .option('--app <app>', 'limit the token to this app (name or id)')
    .option('--expires-at <time>', 'refuse the token after this RFC 3339 time')
    .action(
      action<CreateOptions>(async (ctx, args, opts) => {
        const api = ctx.api();
        let appId: string | undefined;
        if (opts.app) {
          const byName = await api.ok(api.v2.GET('/v2/apps', { params: { query: { name: opts.app } } }));
          appId = byName.items[0]?.id ?? opts.app;
        }
        const made = await api.ok(
          api.v2.POST('/v2/tokens', {
            body: {
              name: args[0],
              scope: opts.scope,
              ...(appId ? { app_id: appId } : {}),
              ...(opts.expiresAt ? { expires_at: opts.expiresAt } : {}),
            },
          }),
        );
        if (ctx.output === 'json') return printJson(made);
        println(made.token);
        note(
          `token ${made.name} (${made.scope}${made.app_id ? `, app ${made.app_id}` : ''}) created: its secret is shown this once`,
        );
      }),
    );
  token
    .command('list')
    .alias('ls')
    .description('list tokens (never their secrets)')
    .action(
      action(async (ctx) => {
        const api = ctx.api();
        const { items } = await api.ok(api.v2.GET('/v2/tokens'));
        printList(ctx.output, items, COLUMNS);
      }),
    );
  token
    .command('delete <id>')
    .description('delete a token: requests made with it are refused from then on')
    .action(
      action(async (ctx, args) => {
        if (!args[0]) throw usageError('give the id of the token to delete (fnode token list)');
        const api = ctx.api();
        await api.ok(api.v2.DELETE('/v2/tokens/{token_id}', { params: { path: { token_id: args[0] } } }));
        note(`token ${args[0]} deleted`);
      }),
    );
}
