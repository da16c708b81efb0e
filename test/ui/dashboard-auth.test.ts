import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { dockerAvailable, http, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { launchBrowser, screenshot, type TestBrowser } from './browser.js';

/** The dashboard in Chromium against a server with FNODE_AUTH on: the token asked for and kept. */
describe('the web dashboard with authentication on', {
  skip: !dockerAvailable() && 'Docker is not reachable',
}, () => {
  let fnode: TestFnode;
  let tb: TestBrowser;

  before(async () => {
    fnode = await startTestFnode({ FNODE_AUTH: 'on' });
    tb = await launchBrowser();
  });
  after(async () => {
    await tb?.close();
    await fnode?.stop();
  });

  it('asks for a token, keeps it in the tab session and sends it as a bearer token', async () => {
    const secret = fnode.adminToken!.secret;
    const auth = { authorization: `Bearer ${secret}` };
    const name = `auth-${randomUUID().slice(0, 8)}`;
    assert.equal((await http(fnode.url, 'POST', '/v2/apps', { name }, auth)).status, 200);
    {
      const page = await tb.context.newPage();
      await page.goto(`${fnode.url}/ui/apps`);
      await page.getByRole('alert').filter({ hasText: 'A valid API token is needed' }).waitFor();
      const token = page.getByLabel('Token', { exact: true });
      await token.waitFor();
      await screenshot(page, 'login');
      await token.fill('not-a-token');
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.getByRole('alert').filter({ hasText: 'A valid API token is needed' }).waitFor();
      await page.getByLabel('Token', { exact: true }).fill(secret);
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.getByRole('link', { name }).waitFor();
      assert.equal(await page.evaluate<string>("sessionStorage.getItem('fnode.token')"), secret);
      // Another page of the same tab keeps it: the overview loads without asking.
      await page.goto(`${fnode.url}/ui/`);
      await page.getByTestId('card-calls').waitFor();
      assert.equal(await page.getByLabel('Token', { exact: true }).count(), 0);
    }
  });
});
