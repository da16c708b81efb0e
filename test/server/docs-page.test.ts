import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accessFor } from '../../src/auth/index.js';
import { http, startTestFnode, type TestFnode } from '../helpers/fnode.js';

describe('the API documentation page, /v2/docs', () => {
  let fnode: TestFnode;
  before(async () => {
    fnode = await startTestFnode({ FNODE_AUTH: 'on' });
  });
  after(async () => fnode?.stop());

  it('is open to all, like the document it shows; nothing else under /v2 is', () => {
    for (const method of ['GET', 'HEAD'])
      for (const path of ['/v2/docs', '/v2/docs/swagger-ui-bundle.js', '/v2/openapi.json'])
        assert.equal(accessFor(method, path).need, 'open', `${method} ${path}`);
    assert.equal(accessFor('POST', '/v2/docs').need, 'deploy');
    assert.equal(accessFor('GET', '/v2/docsx').need, 'read');
    assert.equal(accessFor('GET', '/v2/apps').need, 'read');
  });

  it('answers an HTML page that loads Swagger UI from this server, on this server`s document', async () => {
    const page = await http(fnode.url, 'GET', '/v2/docs');
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    const links = [...page.text.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(links.sort(), [
      'docs/favicon-16x16.png',
      'docs/favicon-32x32.png',
      'docs/init.js',
      'docs/swagger-ui-bundle.js',
      'docs/swagger-ui.css',
    ]);
    const types: Record<string, RegExp> = {
      '.js': /^application\/javascript/,
      '.css': /^text\/css/,
      '.png': /^image\/png/,
    };
    for (const link of links) {
      // Relative to /v2/docs: /v2/docs/<file>, fetched without a token.
      const res = await http(fnode.url, 'GET', `/v2/${link}`);
      assert.equal(res.status, 200, link);
      assert.match(String(res.headers['content-type']), types[link.slice(link.lastIndexOf('.'))]!, link);
      assert.ok(res.text.length > 0, link);
    }
    const bundle = await http(fnode.url, 'GET', '/v2/docs/swagger-ui-bundle.js');
    assert.ok(bundle.text.length > 500_000, 'the whole Swagger UI bundle');
    const init = await http(fnode.url, 'GET', '/v2/docs/init.js');
    assert.match(init.text, /url: 'openapi\.json'/, 'the page reads /v2/openapi.json');
    assert.match(init.text, /validatorUrl: null/, 'and sends the document nowhere else');
    const doc = await http(fnode.url, 'GET', '/v2/openapi.json');
    assert.equal(doc.status, 200);
  });

  it('lets the browser keep the assets (ETag), and refuses files it does not serve', async () => {
    const first = await http(fnode.url, 'GET', '/v2/docs/swagger-ui.css');
    const etag = String(first.headers['etag']);
    assert.match(etag, /^"swagger-ui-\d+\.\d+\.\d+"$/);
    const again = await http(fnode.url, 'GET', '/v2/docs/swagger-ui.css', undefined, {
      'if-none-match': etag,
    });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    for (const file of ['package.json', '..%2Fpackage.json', 'index.html', 'swagger-ui.js']) {
      const res = await http(fnode.url, 'GET', `/v2/docs/${file}`);
      assert.equal(res.status, 404, file);
      assert.match(res.json<{ message: string }>().message, /^Path not found: GET /);
    }
    const slash = await http(fnode.url, 'GET', '/v2/docs/');
    assert.equal(slash.status, 302);
    assert.equal(slash.headers['location'], '../docs');
  });
});
