import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/index.js';
import { v1Api } from '../../src/v1/index.js';
import { describeEachDialect, uniq } from '../datastore/dialects.js';
import { send } from './helpers.js';

// Found by test/security/ on MariaDB: a value over a TEXT column's 64 KiB (an image, a trigger
// source, a route path, a syslog URL) was a 500 there, or silently cut when the excess was
// trailing spaces (the route then read back with another path). Every datastore refuses them.
describeEachDialect('free text over 64 KiB', (ctx) => {
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

  it('is refused with 413 Request content too large, never a 500 nor cut', async () => {
    const big = 'x'.repeat(70_000);
    const created = await send(app, 'POST', '/v2/apps', { name: uniq('app') });
    const fn = await send(app, 'POST', '/v2/fns', { app_id: created.body.id, name: 'f', image: 'img' });
    const appName = created.body.name as string;
    const answers = [
      await send(app, 'POST', '/v2/fns', { app_id: created.body.id, name: 'g', image: big }),
      await send(app, 'PUT', `/v2/fns/${fn.body.id}`, { image: big }),
      await send(app, 'POST', '/v2/triggers', {
        ...{ app_id: created.body.id, fn_id: fn.body.id, name: 't', type: 'http' },
        source: `/${big}`,
      }),
      await send(app, 'POST', `/v1/apps/${appName}/routes`, { route: { path: `/${big}`, image: 'img' } }),
      await send(app, 'POST', `/v1/apps/${appName}/routes`, {
        route: { path: `/${' '.repeat(70_000)}`, image: 'img' },
      }),
      await send(app, 'POST', `/v1/apps/${appName}/routes`, { route: { path: '/r', image: big } }),
      await send(app, 'POST', '/v2/apps', { name: uniq('app'), syslog_url: `tcp://${big}:1` }),
    ];
    for (const res of answers) {
      assert.equal(res.status, 413, res.raw.slice(0, 200));
      assert.equal(res.body.message ?? res.body.error?.message, 'Request content too large');
    }
    const fits = await send(app, 'POST', '/v2/fns', {
      ...{ app_id: created.body.id, name: 'h' },
      image: 'y'.repeat(65_535),
    });
    assert.equal(fits.status, 200, fits.raw.slice(0, 200));
  });

  it('beyond what MySQL holds otherwise (a config over its 16 MiB packet) is 413 too, never a 500', async () => {
    const res = await send(app, 'POST', '/v2/apps', {
      name: uniq('app'),
      config: { K: 'v'.repeat(17 * 1024 * 1024) },
    });
    assert.ok(
      res.status === 200 || res.status === 413 || res.status === 503,
      `${res.status} ${res.raw.slice(0, 200)}`,
    );
    // MariaDB either answers ER_NET_PACKET_TOO_LARGE (413) or drops the connection mid-packet,
    // which reads as the database going away (503, Retry-After): never a 500, never stored.
    if (ctx.dialect === 'mariadb') assert.ok(res.status === 413 || res.status === 503, `${res.status}`);
  });
});
