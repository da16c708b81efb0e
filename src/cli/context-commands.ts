import type { Command } from 'commander';
import { type ContextEntry, contextsPath, loadContexts, saveContexts } from './contexts.js';
import { reportError, usageError } from './exit-codes.js';
import type { GlobalOptions } from './global-options.js';
import { type Column, note, printList } from './output.js';

type Row = { name: string; current: boolean } & ContextEntry;

const COLUMNS: Column<Row>[] = [
  { header: 'CURRENT', value: (r) => (r.current ? '*' : '') },
  { header: 'NAME', value: (r) => r.name },
  { header: 'API URL', value: (r) => r.api_url },
  { header: 'TOKEN', value: (r) => (r.token ? 'set' : '') },
];

/** Runs an offline command: no API client, the same error reporting as the others. */
function offline(run: (args: string[], opts: GlobalOptions) => void) {
  return function (this: Command) {
    try {
      run(this.args, this.optsWithGlobals<GlobalOptions>());
    } catch (e) {
      reportError(e);
    }
  };
}

/** `fnode context create|use|list|delete`: named API URLs and tokens, like the `fn` CLI's contexts. */
export function registerContexts(program: Command): void {
  const context = program
    .command('context')
    .description(`named fnode servers and their tokens (kept in ${contextsPath()}, mode 0600)`);
  context
    .command('create <name>')
    .description('add a context from --api-url and --token (then `fnode context use <name>`)')
    .action(
      offline(([name], opts) => {
        if (!name) throw usageError('give the context a name');
        if (!opts.apiUrl) throw usageError('give the server with --api-url <url>');
        const file = loadContexts();
        if (file.contexts[name]) throw usageError(`context ${name} exists: delete it first`);
        file.contexts[name] = { api_url: opts.apiUrl, ...(opts.token ? { token: opts.token } : {}) };
        saveContexts(file);
        note(`context ${name} created`);
      }),
    );
  context
    .command('use <name>')
    .description('use this context from now on')
    .action(
      offline(([name]) => {
        const file = loadContexts();
        if (!name || !file.contexts[name]) throw usageError(`no context ${name}: see fnode context list`);
        file.current = name;
        saveContexts(file);
        note(`now using context ${name}`);
      }),
    );
  context
    .command('list')
    .alias('ls')
    .description('list contexts (* = in use)')
    .action(
      offline((_args, opts) => {
        const file = loadContexts();
        const rows = Object.entries(file.contexts).map(([name, c]) => ({
          name,
          current: name === file.current,
          ...c,
        }));
        printList(opts.output ?? 'table', rows, COLUMNS);
      }),
    );
  context
    .command('delete <name>')
    .description('remove a context')
    .action(
      offline(([name]) => {
        const file = loadContexts();
        if (!name || !file.contexts[name]) throw usageError(`no context ${name}: see fnode context list`);
        delete file.contexts[name];
        if (file.current === name) delete file.current;
        saveContexts(file);
        note(`context ${name} deleted`);
      }),
    );
}
