import { Option, type Command } from 'commander';
import { apiError } from './api-client.js';
import { action } from './cli-context.js';
import { printJson, println } from './output.js';
import { getApp, getFn, invokeEndpoint } from './resources.js';

interface InvokeOptions {
  contentType: string;
  type: 'sync' | 'detached' | 'async';
  displayCallId?: boolean;
  endpoint?: string;
}

/** `fnode invoke APP FN`: the body from stdin (unless it is a terminal), the response to stdout. */
export function registerInvoke(program: Command): void {
  program
    .command('invoke')
    .argument('<app>', 'app name')
    .argument('<fn>', 'function name')
    .description('invoke a function with stdin as the body (Fn-Invoke-Type sync, detached or async)')
    .option('--content-type <type>', 'Content-Type of the body', 'text/plain')
    .addOption(
      new Option('--type <type>', 'sync waits for the response; detached and async answer a call id')
        .choices(['sync', 'detached', 'async'])
        .default('sync'),
    )
    .addOption(new Option('--fn-invoke-type <type>').choices(['sync', 'detached', 'async']).hideHelp())
    .option('--display-call-id', 'print the call id before the response')
    .option('--endpoint <url>', "invoke this URL instead of the fn's invoke endpoint")
    .action(
      action<InvokeOptions & { fnInvokeType?: InvokeOptions['type'] }>(async (ctx, args, opts) => {
        const [appName = '', fnName = ''] = args;
        const api = ctx.api();
        const type = opts.fnInvokeType ?? opts.type;
        const endpoint =
          opts.endpoint ?? invokeEndpoint(api, await getFn(api, await getApp(api, appName), fnName));
        const body = process.stdin.isTTY ? Buffer.alloc(0) : await readAll(process.stdin);
        const reply = await api.send('POST', endpoint, {
          body,
          headers: { 'content-type': opts.contentType, 'fn-invoke-type': type },
        });
        const callId = header(reply.headers['fn-call-id']) ?? asyncCallId(reply.body);
        if (reply.status >= 400) {
          if (callId) process.stderr.write(`Call ID: ${callId}\n`);
          throw apiError(reply);
        }
        if (ctx.output === 'json')
          return printJson({
            call_id: callId,
            status: reply.status,
            content_type: header(reply.headers['content-type']),
            body: reply.body.toString('utf8'),
          });
        if (type !== 'sync') return println(`Call ID: ${callId ?? ''}`);
        if (opts.displayCallId && callId) println(`Call ID: ${callId}`);
        process.stdout.write(reply.body);
        if (reply.body.length > 0 && reply.body[reply.body.length - 1] !== 0x0a && process.stdout.isTTY)
          process.stdout.write('\n');
      }),
    );
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Async answers `{"call_id": ...}`. */
function asyncCallId(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { call_id?: unknown };
    return typeof parsed.call_id === 'string' ? parsed.call_id : undefined;
  } catch {
    return undefined;
  }
}
