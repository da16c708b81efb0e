import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { dockerAvailable, eventually, http, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { launchBrowser, screenshot, type TestBrowser, watchErrors } from './browser.js';

interface Call {
  id: string;
  status: string;
  retry_of?: string;
  dead_letter?: boolean;
}

/**
 * The dashboard in Debian's Chromium against a real fnode with real containers: what an operator
 * does from the browser, each page's screenshot saved under test-output/screenshots/.
 */
describe('the web dashboard in a browser', { skip: !dockerAvailable() && 'Docker is not reachable' }, () => {
  let fnode: TestFnode;
  let tb: TestBrowser;
  let page: Page;
  let errors: string[];
  const appName = `ui-${randomUUID().slice(0, 8)}`;
  const fnName = 'logs';
  let appId = '';
  let fnId = '';
  let callId = '';

  before(async () => {
    fnode = await startTestFnode();
    tb = await launchBrowser();
    page = await tb.context.newPage();
    errors = watchErrors(page);
  });
  after(async () => {
    await tb?.close();
    await fnode?.stop();
  });

  it('creates an app and a function from the apps page', async () => {
    await page.goto(`${fnode.url}/ui/apps`);
    await page.getByRole('heading', { name: 'Apps' }).waitFor();
    await page.getByLabel('New app name').fill(appName);
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.waitForURL(/\/ui\/apps\/[^/]+$/);
    await page.getByRole('heading', { name: `App ${appName}` }).waitFor();
    appId = decodeURIComponent(page.url().split('/').pop()!);

    await page.getByLabel('Function name').fill(fnName);
    await page.getByLabel('Image', { exact: true }).fill('fnode-test/logs');
    await page.getByRole('button', { name: 'Create function' }).click();
    await page.waitForURL(/\/ui\/fns\/[^/]+$/);
    await page.getByRole('heading', { name: `Function ${fnName}` }).waitFor();
    fnId = decodeURIComponent(page.url().split('/').pop()!);
    const fn = await http(fnode.url, 'GET', `/v2/fns/${fnId}`);
    assert.equal(fn.json<{ app_id: string; image: string }>().app_id, appId);
    assert.equal(fn.json<{ image: string }>().image, 'fnode-test/logs');
    // The invoke URL is shown, ready to copy.
    await page.getByText(`${fnode.url}/invoke/${fnId}`).waitFor();
    await screenshot(page, 'fn');
    await page.goto(`${fnode.url}/ui/apps/${appId}`);
    await page.getByRole('link', { name: fnName }).waitFor();
    // A v1 route too, created and listed with its /r URL.
    await page.getByLabel('Route path').fill('/hello');
    await page.getByLabel('Route image').fill('fnode-test/hello');
    await page.getByRole('button', { name: 'Create route' }).click();
    await page.getByText(`${fnode.url}/r/${appName}/hello`).waitFor();
    const routes = (await http(fnode.url, 'GET', `/v1/apps/${appName}/routes`)).json<{
      routes: { path: string }[];
    }>();
    assert.deepEqual(
      routes.routes.map((r) => r.path),
      ['/hello'],
    );
    await screenshot(page, 'app');
    await page.goto(`${fnode.url}/ui/apps`);
    await page.getByRole('link', { name: appName }).waitFor();
    await screenshot(page, 'apps');
  });

  it('edits the function: memory, timeout and config', async () => {
    await page.goto(`${fnode.url}/ui/fns/${fnId}`);
    await page.getByLabel('Memory (MB)').fill('256');
    await page.getByLabel('Config (KEY=value per line)').fill('GREETING=hi');
    await page.getByRole('button', { name: 'Save fn' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const fn = (await http(fnode.url, 'GET', `/v2/fns/${fnId}`)).json<{ memory: number; config: object }>();
    assert.equal(fn.memory, 256);
    assert.deepEqual(fn.config, { GREETING: 'hi' });
    // An HTTP trigger of the fn, its URL shown to copy.
    await page.getByLabel('Trigger name').fill('hello');
    await page.getByLabel('Source path').fill('/hello');
    await page.getByRole('button', { name: 'Create trigger' }).click();
    await page.getByText(`${fnode.url}/t/${appName}/hello`).waitFor();
  });

  it('invokes the function from the console and shows status, body, headers and the call id', async () => {
    await page.goto(`${fnode.url}/ui/fns/${fnId}`);
    await page.getByRole('link', { name: 'Open the invoke console' }).click();
    await page.waitForURL(/\/invoke$/);
    await page.getByLabel('Body').fill('3');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('invoke-status').filter({ hasText: '200' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('invoke-body').textContent(), 'logged 3');
    const headers = await page.locator('pre.headers').textContent();
    assert.match(headers ?? '', /fn-call-id: \S+/);
    callId = /fn-call-id: (\S+)/.exec(headers ?? '')![1]!;
    await screenshot(page, 'invoke');
    await page.locator('.answer').getByRole('link', { name: callId }).click();
    await page.waitForURL(new RegExp(`/calls/${callId}$`));
  });

  it('opens the call: its record, its log and a rendered chart of its statistics', async () => {
    await page.getByTestId('call-status').filter({ hasText: 'success' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('call-log').filter({ hasText: 'line 3' }).waitFor();
    const log = await page.getByTestId('call-log').textContent();
    // stderr's lines in their order; stdout's line may come anywhere between them.
    assert.deepEqual(
      (log ?? '').split('\n').filter((l) => l.startsWith('line ')),
      ['line 1', 'line 2', 'line 3'],
    );
    assert.match(log ?? '', /stdout line/);
    const chart = page.getByRole('img', { name: 'Memory chart' });
    await chart.waitFor();
    assert.ok(Number(await chart.getAttribute('data-points')) >= 1, 'the chart has data points');
    assert.ok((await chart.locator('path[stroke]').count()) >= 1, 'a line is drawn');
    assert.match((await chart.locator('path[stroke]').first().getAttribute('d')) ?? '', /^M[\d.]+,[\d.]+/);
  });

  it("charts a 5 s call's statistics over time", async () => {
    const created = await http(fnode.url, 'POST', '/v2/fns', {
      app_id: appId,
      name: 'sleep',
      image: 'fnode-test/sleep',
    });
    assert.equal(created.status, 200, created.text);
    const sleepId = created.json<{ id: string }>().id;
    await page.goto(`${fnode.url}/ui/fns/${sleepId}/invoke`);
    await page.getByLabel('Body').fill('5000');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('invoke-status').filter({ hasText: '200' }).waitFor({ timeout: 60_000 });
    await page.locator('.answer a').click();
    await page.getByTestId('call-status').filter({ hasText: 'success' }).waitFor({ timeout: 30_000 });
    const chart = page.getByRole('img', { name: 'Memory chart' });
    await chart.waitFor();
    assert.ok(Number(await chart.getAttribute('data-points')) >= 3, 'a point a second for 5 s');
    assert.ok((await chart.locator('circle.point').count()) >= 3);
    await page.getByRole('img', { name: 'CPU chart' }).waitFor();
    await screenshot(page, 'call');
  });

  it("lists the call in the function's calls, newest first", async () => {
    await page.goto(`${fnode.url}/ui/fns/${fnId}`);
    const row = page.locator(`tr[data-call-id="${callId}"]`);
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /success/);
    await page.getByLabel('Status').selectOption('error');
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('Status').selectOption('');
    await row.waitFor();
    await screenshot(page, 'calls');
  });

  it('redrives a dead letter from the async page', async () => {
    const crash = await http(fnode.url, 'POST', '/v2/fns', {
      app_id: appId,
      name: 'crash',
      image: 'fnode-test/crash',
    });
    assert.equal(crash.status, 200, crash.text);
    const crashId = crash.json<{ id: string }>().id;
    const accepted = await http(fnode.url, 'POST', `/invoke/${crashId}`, 'x', {
      'content-type': 'text/plain',
      'fn-invoke-type': 'async',
    });
    assert.equal(accepted.status, 202, accepted.text);
    const deadId = accepted.json<{ call_id: string }>().call_id;
    await eventually(async () => {
      const dead = (await http(fnode.url, 'GET', `/v2/fns/${crashId}/dead-letters`)).json<{
        items: Call[];
      }>();
      return dead.items.some((c) => c.id === deadId);
    }, 60_000);

    await page.goto(`${fnode.url}/ui/async?app=${appId}&fn=${crashId}`);
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    const item = page.locator('.dead-letters li').filter({ hasText: deadId });
    await item.waitFor();
    await screenshot(page, 'async');
    await item.getByRole('button', { name: 'Redrive' }).click();
    const status = page.getByRole('status').filter({ hasText: 'Redriven as call' });
    await status.waitFor();
    const newId = /Redriven as call (\S+)\./.exec((await status.textContent()) ?? '')![1]!;
    const redriven = (await http(fnode.url, 'GET', `/v2/fns/${crashId}/calls/${newId}`)).json<Call>();
    assert.equal(redriven.retry_of, deadId);
    const before = (await http(fnode.url, 'GET', `/v2/fns/${crashId}/calls/${deadId}`)).json<Call>();
    assert.notEqual(before.dead_letter, true, 'the dead letter is cleared');
    // The crash's own words are in its call's log, on its page.
    await page.goto(`${fnode.url}/ui/fns/${crashId}/calls/${deadId}`);
    await page.getByTestId('call-log').filter({ hasText: 'crash: exiting with status 1' }).waitFor();
  });

  it('counts and cancels a delayed async call from the async page', async () => {
    const fns = (await http(fnode.url, 'GET', `/v2/fns?app_id=${appId}`)).json<{
      items: { id: string; name: string }[];
    }>();
    const sleepId = fns.items.find((f) => f.name === 'sleep')!.id;
    const accepted = await http(fnode.url, 'POST', `/invoke/${sleepId}`, '1', {
      'content-type': 'text/plain',
      'fn-invoke-type': 'async',
      'fn-async-delay': '600',
    });
    assert.equal(accepted.status, 202, accepted.text);
    const delayedId = accepted.json<{ call_id: string }>().call_id;
    await page.goto(`${fnode.url}/ui/async?app=${appId}`);
    const row = page.locator('tr').filter({ has: page.getByRole('link', { name: 'sleep', exact: true }) });
    await row.locator('td').nth(2).filter({ hasText: /^1$/ }).waitFor();
    await row.getByRole('button', { name: 'Dead letters of sleep' }).click();
    const waiting = page.locator('li').filter({ hasText: delayedId });
    await waiting.getByRole('button', { name: 'Cancel' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Call ${delayedId} cancelled.` })
      .waitFor();
    const call = (await http(fnode.url, 'GET', `/v2/fns/${sleepId}/calls/${delayedId}`)).json<Call>();
    assert.equal(call.status, 'cancelled');
    await row.locator('td').nth(2).filter({ hasText: /^0$/ }).waitFor();
  });

  it('shows the calls made on the overview: busiest and failing functions', async () => {
    await page.goto(`${fnode.url}/ui/`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const calls = page.getByTestId('card-calls');
    await eventually(async () => Number(await calls.textContent()) >= 2, 30_000);
    const busiest = page.locator('h2:text("Busiest functions") + table');
    await busiest.getByRole('link', { name: fnName }).waitFor();
    const failing = page.locator('h2:text("Most failing functions") + table');
    await failing.getByRole('link', { name: 'crash' }).waitFor();
    assert.ok(
      (await page.getByRole('img', { name: 'Calls per minute chart' }).getAttribute('data-points')) !== '0',
    );
    await screenshot(page, 'overview');
  });

  it('works at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${fnode.url}/ui/fns/${fnId}/calls/${callId}`);
    await page.getByTestId('call-status').waitFor();
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(width <= 400, `no sideways scrolling: ${width} px wide`);
    await screenshot(page, 'call-phone');
    await page.goto(`${fnode.url}/ui/`);
    await page.getByTestId('card-calls').waitFor();
    await screenshot(page, 'overview-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('is keyboard navigable: the skip link and the main navigation take focus', async () => {
    await page.goto(`${fnode.url}/ui/apps`);
    await page.getByRole('heading', { name: 'Apps' }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>('document.activeElement?.textContent'), 'Skip to content');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>('document.activeElement?.textContent'), 'Overview');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  it('shows an API error in plain words', async () => {
    await page.goto(`${fnode.url}/ui/fns/no-such-fn`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /^Not found \(it may have been deleted\): Fn not found$/);
  });

  it('renders Swagger UI at /v2/docs', async () => {
    await page.goto(`${fnode.url}/v2/docs`);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'fnode' }).waitFor();
    await page.locator('.opblock-summary-path').first().waitFor();
    assert.ok((await page.locator('.opblock').count()) > 20, 'the operations are listed');
    await screenshot(page, 'api-docs');
    assert.deepEqual(errors, []);
  });
});
