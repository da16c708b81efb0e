import type { Command } from 'commander';
import { apiError } from './api-client.js';
import { action } from './cli-context.js';
import { addPagingOptions, type PagingOptions, wholeNumber } from './flags.js';
import { type Column, printJson, printList, printRecord, println } from './output.js';
import { type Call, getApp, getFn } from './resources.js';

const COLUMNS: Column<Call>[] = [
  { header: 'ID', value: (c) => c.id },
  { header: 'STATUS', value: (c) => c.status },
  { header: 'CREATED', value: (c) => c.created_at },
  { header: 'STARTED', value: (c) => c.started_at },
  { header: 'COMPLETED', value: (c) => c.completed_at },
  { header: 'ERROR', value: (c) => c.error },
];

interface ListOptions extends PagingOptions {
  fromTime?: number;
  toTime?: number;
}

/** `fnode call list|get|logs APP FN [CALL_ID]`: a fn's call records and logs. */
export function registerCalls(program: Command): void {
  const call = program.command('call').aliases(['calls']).description("a function's calls: list, get, logs");

  addPagingOptions(
    call
      .command('list')
      .alias('ls')
      .argument('<app>', 'app name')
      .argument('<fn>', 'function name')
      .description('list the calls of a function, newest first'),
  )
    .option('--from-time <epoch>', 'calls created at or after (epoch seconds)', wholeNumber)
    .option('--to-time <epoch>', 'calls created before (epoch seconds)', wholeNumber)
    .action(
      action<ListOptions>(async (ctx, [appName = '', fnName = ''], opts) => {
        const api = ctx.api();
        const fn = await getFn(api, await getApp(api, appName), fnName);
        const times = {
          ...(opts.fromTime !== undefined ? { from_time: String(opts.fromTime) } : {}),
          ...(opts.toTime !== undefined ? { to_time: String(opts.toTime) } : {}),
        };
        const calls = await api.pages(
          (page) =>
            api.v2.GET('/v2/fns/{fn_id}/calls', {
              params: { path: { fn_id: fn.id }, query: { ...times, ...page } },
            }),
          opts.number,
          opts.cursor,
        );
        printList(ctx.output, calls, COLUMNS);
      }),
    );

  call
    .command('get')
    .argument('<app>', 'app name')
    .argument('<fn>', 'function name')
    .argument('<call_id>', 'call id')
    .description('show a call record')
    .action(
      action(async (ctx, [appName = '', fnName = '', callId = '']) => {
        const api = ctx.api();
        const fn = await getFn(api, await getApp(api, appName), fnName);
        const call = await api.ok(
          api.v2.GET('/v2/fns/{fn_id}/calls/{call_id}', {
            params: { path: { fn_id: fn.id, call_id: callId } },
          }),
        );
        printRecord(ctx.output, call);
      }),
    );

  call
    .command('logs')
    .alias('log')
    .argument('<app>', 'app name')
    .argument('<fn>', 'function name')
    .argument('<call_id>', 'call id')
    .description("print a call's log (the function's stdout and stderr)")
    .action(
      action(async (ctx, [appName = '', fnName = '', callId = '']) => {
        const api = ctx.api();
        const fn = await getFn(api, await getApp(api, appName), fnName);
        const reply = await api.send('GET', `/v2/fns/${fn.id}/calls/${encodeURIComponent(callId)}/log`, {
          headers: { accept: 'text/plain' },
        });
        if (reply.status >= 400) throw apiError(reply);
        const log = reply.body.toString('utf8');
        if (ctx.output === 'json') printJson({ call_id: callId, log });
        else if (log !== '') println(log);
      }),
    );
}
