import type { Command } from 'commander';
import { loadServer } from './server-loader.js';
import { withSmallYoungGeneration } from './young-generation.js';

/** `fnode start`: runs the server in the foreground until SIGINT or SIGTERM. */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start the fnode server (embedded SQLite under ./data unless FN_DB_URL is set)')
    .option('-p, --port <port>', 'port to listen on (FN_PORT, default 8080)')
    .action((opts: { port?: string }) => withSmallYoungGeneration(() => start(opts)));
}

async function start(opts: { port?: string }): Promise<void> {
  // Loaded here so that the other commands start without the server's dependencies.
  const { ConfigError, loadConfig } = await import('../config/index.js');
  const { server, codeCache } = await loadServer();
  const { startFnode } = server;
  const env = { ...process.env, ...(opts.port ? { FN_PORT: opts.port } : {}) };
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`fnode: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  let fnode: Awaited<ReturnType<typeof startFnode>>;
  try {
    fnode = await startFnode({ config });
  } catch (e) {
    console.error(`fnode: could not start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  fnode.server.log.info(`fnode listening on ${fnode.url} (database ${redact(config.dbUrl)})`);
  // `rejected`: V8 flags other than the build's (NODE_OPTIONS, say), so the start compiled anew.
  fnode.server.log.debug({ codeCache }, 'server modules loaded');
  if (fnode.adminToken) {
    // Shown this once, outside the structured log: only its hash is stored.
    process.stderr.write(
      `\nfnode: created the admin token (shown once; also in ${fnode.adminToken.file}, mode 0600):\n\n` +
        `    ${fnode.adminToken.secret}\n\n` +
        'The fnode CLI on this machine reads that file; elsewhere use FN_TOKEN, --token or a context.\n\n',
    );
  }
  if (config.tls) {
    process.on('SIGHUP', () => {
      try {
        fnode.reloadTls();
        fnode.server.log.info('SIGHUP: TLS certificate and key reloaded');
      } catch (err) {
        fnode.server.log.error(
          { err },
          'SIGHUP: reloading the TLS certificate failed; the previous one stays',
        );
      }
    });
  }
  const stop = (signal: string) => {
    fnode.server.log.info(`${signal}: shutting down, waiting for running calls`);
    fnode.close().then(
      () => process.exit(0),
      (err: unknown) => {
        fnode.server.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}
