// The report form's weight on a phone as the network carries it (compressed,
// headers included), map tiles and photos aside: under 150 KB. The figure is
// printed for docs/PERFORMANCE.md.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as t from './lib.mjs';

const LIMIT = 150 * 1024;

let browser;
before(async () => {
  browser = await t.launch();
});
after(async () => {
  await browser?.close();
});

test('the report form weighs under 150 KB before tiles and photos', async (c) => {
  const context = await t.newContext(browser, { viewport: { width: 360, height: 740 }, isMobile: true });
  const page = await context.newPage();
  const requests = [];
  page.on('requestfinished', (request) => requests.push(request));
  await t.goto(page, '/report');
  await page.waitForLoadState('networkidle');
  let total = 0;
  const lines = [];
  for (const request of requests) {
    const url = new URL(request.url());
    if (url.origin !== new URL(t.BASE_URL).origin) continue; // tiles: aborted, not counted
    const sizes = await request.sizes();
    const bytes = sizes.responseBodySize + sizes.responseHeadersSize;
    total += bytes;
    lines.push(`${(bytes / 1024).toFixed(1).padStart(6)} KB  ${url.pathname}`);
  }
  c.diagnostic(`report form on a phone: ${(total / 1024).toFixed(1)} KB in ${lines.length} requests\n${lines.join('\n')}`);
  assert.ok(lines.length >= 4, `the page, its styles and the map's scripts: ${lines.join(', ')}`);
  assert.ok(total < LIMIT, `${(total / 1024).toFixed(1)} KB is over 150 KB:\n${lines.join('\n')}`);
  await context.close();
});
