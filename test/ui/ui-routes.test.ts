import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { accessFor } from '../../src/auth/index.js';
import { http, startTestFnode, type TestFnode } from '../helpers/fnode.js';

const DIST = join(import.meta.dirname, '../../dist/ui');

describe('the web dashboard at /ui/ (dist/ui, built by npm run build)', () => {
  let fnode: TestFnode;
  before(async () => {
    fnode = await startTestFnode({ FNODE_AUTH: 'on' });
  });
  after(async () => fnode?.stop());

  it('is open to all (the page holds no data; its API calls carry the token)', () => {
    for (const path of ['/ui', '/ui/', '/ui/apps/x', '/ui/assets/index-abc.js'])
      assert.equal(accessFor('GET', path).need, 'open', path);
    assert.equal(accessFor('GET', '/uix').need, 'read');
    assert.equal(accessFor('GET', '/v2/stats').need, 'read');
  });

  it('answers its page at /ui/ and at any page path under it, without a token; /ui redirects', async () => {
    const index = readFileSync(join(DIST, 'index.html'), 'utf8');
    for (const path of ['/ui/', '/ui/apps', '/ui/fns/abc/calls/def']) {
      const res = await http(fnode.url, 'GET', path);
      assert.equal(res.status, 200, path);
      assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/, path);
      assert.equal(res.headers['cache-control'], 'no-cache', path);
      assert.equal(res.text, index, path);
    }
    const bare = await http(fnode.url, 'GET', '/ui');
    assert.equal(bare.status, 302);
    assert.equal(bare.headers['location'], 'ui/');
  });

  it('serves the hashed assets the page links, immutable, with their types', async () => {
    const index = readFileSync(join(DIST, 'index.html'), 'utf8');
    const links = [...index.matchAll(/(?:href|src)="(\/ui\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(links.some((l) => l.endsWith('.js')) && links.some((l) => l.endsWith('.css')), index);
    for (const link of links) {
      const res = await http(fnode.url, 'GET', link);
      assert.equal(res.status, 200, link);
      const type = link.endsWith('.js') ? /^application\/javascript/ : /^text\/css/;
      assert.match(String(res.headers['content-type']), type, link);
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', link);
      assert.equal(res.text, readFileSync(join(DIST, link.slice('/ui/'.length)), 'utf8'), link);
    }
  });

  it('answers 404 for files it does not have and for paths out of its folder', async () => {
    for (const path of [
      '/ui/assets/missing-123.js',
      '/ui/..%2Fbin%2Ffnode.js',
      '/ui/assets/..%2F..%2Fbin%2Ffnode.js',
      '/ui/x.exe',
    ]) {
      const res = await http(fnode.url, 'GET', path);
      assert.equal(res.status, 404, path);
      assert.match(res.json<{ message: string }>().message, /^Path not found/, path);
    }
  });

  it('hides its routes from the OpenAPI document', async () => {
    const doc = (await http(fnode.url, 'GET', '/v2/openapi.json')).json<{ paths: Record<string, unknown> }>();
    assert.deepEqual(
      Object.keys(doc.paths).filter((p) => p.startsWith('/ui')),
      [],
    );
    assert.ok(doc.paths['/v2/stats'], 'the overview endpoint is documented');
  });
});

describe('the production bundle', () => {
  it('is at most 300 kB gzipped (JS and CSS assets)', () => {
    const dir = join(DIST, 'assets');
    const files = readdirSync(dir).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
    assert.ok(files.length >= 2, files.join(', '));
    const total = files.reduce((n, f) => n + gzipSync(readFileSync(join(dir, f))).length, 0);
    assert.ok(total <= 300_000, `${total} bytes gzipped`);
    assert.ok(total > 10_000, `${total} bytes: React and the pages are in it`);
  });
});
