import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/index.js';
import { v1Api } from '../../src/server/v1/index.js';
import { describeEachDialect, uniq } from '../datastore/dialects.js';
import { send } from './helpers.js';

// Found by test/security/ on MariaDB: a value over a TEXT column's 64 KiB (an image, a trigger
// source, a route path, a syslog URL) or over its 16 MiB packet (a config) was a 500 there.
describeEachDialect('values over what the datastore holds', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await buildServer({
      datastore: ctx.ds,
      version: 'test',
      plugins: [{ plugin: v1Api, options: { datastore: ctx.ds } }],
    });
    await app.ready();
  });
  after(() => app.close());

  it('are stored, or refused with 413 Request content too large (MySQL), never a 500', async () => {
    const big = 'x'.repeat(70_000);
    const created = await send(app, 'POST', '/v2/apps', { name: uniq('app') });
    const fn = await send(app, 'POST', '/v2/fns', { app_id: created.body.id, name: 'f', image: 'img' });
    const appName = created.body.name as string;
    const answers = [
      await send(app, 'POST', '/v2/fns', { app_id: created.body.id, name: 'g', image: big }),
      await send(app, 'POST', '/v2/triggers', {
        ...{ app_id: created.body.id, fn_id: fn.body.id, name: 't', type: 'http' },
        source: `/${big}`,
      }),
      await send(app, 'POST', `/v1/apps/${appName}/routes`, { route: { path: `/${big}`, image: 'img' } }),
      await send(app, 'POST', '/v2/apps', { name: uniq('app'), syslog_url: `tcp://${big}:1` }),
    ];
    for (const res of answers) {
      if (ctx.dialect === 'mariadb') {
        assert.equal(res.status, 413, res.raw);
        const message = res.body.message ?? res.body.error?.message;
        assert.equal(message, 'Request content too large');
      } else {
        assert.ok(res.status === 200 || res.status === 400, `${res.status} ${res.raw.slice(0, 200)}`);
      }
    }
  });
});
