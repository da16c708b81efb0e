// The floor for a server's start and idle memory (bench/invoke.ts): Node.js with Fastify and one
// route, `GET /version`, on FN_PORT, and nothing else. Plain JavaScript, as fnode's bundle is.
import Fastify from 'fastify';

const app = Fastify();
app.get('/version', async () => ({ version: '0.0.0' }));
await app.listen({ port: Number(process.env.FN_PORT), host: '127.0.0.1' });
for (const signal of ['SIGTERM', 'SIGINT'])
  process.once(signal, () => void app.close().then(() => process.exit(0)));
