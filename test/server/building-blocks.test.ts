import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { annotateFn, annotateTrigger } from '../../src/api/index.js';
import type { Fn, Trigger } from '../../src/models/index.js';
import { routePattern } from '../../src/server/not-found.js';
import { parseQuery } from '../../src/server/query-parser.js';
import { send, startTestServer } from './helpers.js';

describe('routePattern', () => {
  it('matches one segment per parameter and anything for a wildcard', () => {
    assert.ok(routePattern('/v2/apps/:app_id').test('/v2/apps/abc'));
    assert.ok(!routePattern('/v2/apps/:app_id').test('/v2/apps/abc/def'));
    assert.ok(!routePattern('/v2/apps/:app_id').test('/v2/apps/'));
    assert.ok(routePattern('/t/:app_name/*').test('/t/app/a/b/c'));
    assert.ok(routePattern('/t/:app_name/*').test('/t/app/'));
    assert.ok(!routePattern('/v2.x').test('/v2ax'));
  });
});

describe('parseQuery', () => {
  it('keeps the first of repeated keys, decodes, and has no prototype', () => {
    const q = parseQuery('a=1&a=2&b=x%20y&c=a+b&__proto__=z');
    assert.deepEqual({ ...q }, { a: '1', b: 'x y', c: 'a b', ['__proto__']: 'z' });
    assert.equal(Object.getPrototypeOf(q), null);
  });
});

describe('endpoint annotations', () => {
  const fn = { id: 'FNID', annotations: { a: 1 } } as unknown as Fn;
  const trigger = { id: 'T', type: 'http', source: '/x//y' } as unknown as Trigger;

  it('point a fn at /invoke/<id>, keeping its own annotations', () => {
    assert.deepEqual(annotateFn(fn, 'http://h:1/').annotations, {
      a: 1,
      'fnproject.io/fn/invokeEndpoint': 'http://h:1/invoke/FNID',
    });
    assert.deepEqual(fn.annotations, { a: 1 });
  });

  it('point an http trigger at /t/<app>/<source minus one slash>', () => {
    assert.deepEqual(annotateTrigger(trigger, 'myapp', 'http://h').annotations, {
      'fnproject.io/trigger/httpEndpoint': 'http://h/t/myapp/x//y',
    });
  });

  it('leave other trigger types alone', () => {
    const other = { ...trigger, type: 'cron' };
    assert.equal(annotateTrigger(other, 'myapp', 'http://h'), other);
  });
});

describe('buildServer options', () => {
  it('registers plugins given bare or with options', async () => {
    const withOptions = async (app: FastifyInstance, opts: { word: string }) => {
      app.get('/word', async () => ({ word: opts.word }));
    };
    const s = await startTestServer({
      plugins: [
        { plugin: withOptions, options: { word: 'hi' } },
        async (app) => {
          app.get('/bare', async () => ({ ok: true }));
        },
      ],
    });
    try {
      assert.deepEqual((await send(s.app, 'GET', '/word')).body, { word: 'hi' });
      assert.deepEqual((await send(s.app, 'GET', '/bare')).body, { ok: true });
      assert.equal((await send(s.app, 'POST', '/word')).status, 405);
    } finally {
      await s.close();
    }
  });

  it('uses a given pino logger as is', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (l: string) => void lines.push(l) });
    const s = await startTestServer({
      logger,
      plugins: [
        async (app) => {
          app.get('/fail', async () => {
            throw new Error('kaput');
          });
        },
      ],
    });
    try {
      assert.equal((await send(s.app, 'GET', '/fail')).status, 500);
      assert.ok(lines.some((l) => l.includes('kaput')));
    } finally {
      await s.close();
    }
  });
});
