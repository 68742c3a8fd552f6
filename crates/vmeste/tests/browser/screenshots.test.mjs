// Screenshots for the documentation, written only when VMESTE_SCREENSHOTS
// names a directory: the report form on a phone and the public map.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as t from './lib.mjs';

let browser;
before(async () => {
  browser = await t.launch();
});
after(async () => {
  await browser?.close();
});

test('the report form on a phone (360×740)', async () => {
  const context = await t.newContext(browser, {
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await t.goto(page, '/report');
  await page.locator('#topic_id').waitFor();
  // Nothing sticks out sideways on a narrow screen.
  // (A mobile browser widens its layout viewport to fit, so compare with
  // the screen's width, not window.innerWidth.)
  const screen = page.viewportSize().width;
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= screen, `the page is ${wide - screen}px wider than the phone's ${screen}px screen`);
  await t.screenshot(page, 'report-form-phone.png');
  await context.close();
});

test('the public map (desktop)', async (c) => {
  const context = await t.newContext(browser, { viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const response = await page.goto(t.url('/map'));
  if (response?.status() === 404) {
    // TODO: the /map page is being built; drop this skip once it exists.
    c.skip('/map does not exist yet (404)');
    await context.close();
    return;
  }
  assert.ok(response && response.status() < 400, `/map: ${response?.status()}`);
  // Map tiles come from outside and are blocked here: wait for the rest.
  await page.waitForLoadState('networkidle').catch(() => {});
  await t.screenshot(page, 'public-map.png', { fullPage: false });
  await context.close();
});
