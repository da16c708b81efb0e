// The bare Node proxy (bare-proxy-server.ts) as a process of its own, like the server it is
// compared with:
//   node --import tsx bench/bare-proxy.ts <socket path> '<headers as JSON>'
// It prints its URL on a line of its own, then serves until SIGTERM or SIGINT.
import { startBareProxy } from './bare-proxy-server.js';

const [socketPath, headersJson] = process.argv.slice(2);
if (!socketPath) {
  console.error('usage: bare-proxy.ts <socket path> [headers JSON]');
  process.exit(2);
}
const proxy = await startBareProxy(socketPath, JSON.parse(headersJson ?? '{}') as Record<string, string>);
console.log(proxy.url);
const stop = () => void proxy.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
