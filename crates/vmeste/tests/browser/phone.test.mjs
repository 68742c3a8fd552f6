// On a phone the report form is three short steps; the server's errors bring
// the resident back to the step that has them.

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

test('the report in steps on a 360 px screen', async () => {
  // axe-core is injected inline, which the site's policy forbids: bypass it here.
  const context = await t.newContext(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true });
  const page = await context.newPage();
  await t.goto(page, '/report');
  const status = page.locator('#step-status');
  await assert.doesNotReject(status.filter({ hasText: 'Шаг 1 из 3' }).waitFor());
  assert.equal(await page.locator('#text').isVisible(), false, 'the description waits for step 2');
  assert.equal(await page.locator('#topic_id').isVisible(), true);
  const accessible = async (where) => {
    const violations = await t.axe(page);
    assert.equal(violations.length, 0, t.describeViolations(where, violations));
  };
  await accessible('step 1 on a phone');

  // Step 1 → 2 → 3 and back, with the place on the last step.
  await t.chooseRoadTopic(page);
  await page.getByRole('button', { name: /^Далее: описание/ }).click();
  await status.filter({ hasText: 'Шаг 2 из 3' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'text', 'focus moves to the step');
  await accessible('step 2 on a phone');
  await page.fill('#text', `Телефоном: глубокая яма у остановки, объезжают по встречной (${t.unique()}).`);
  await page.getByRole('button', { name: /^Далее: место/ }).click();
  await status.filter({ hasText: 'Шаг 3 из 3' }).waitFor();
  assert.equal(await page.locator('#text').isVisible(), false);
  await accessible('step 3 on a phone');
  await page.getByRole('button', { name: 'Назад' }).click();
  await status.filter({ hasText: 'Шаг 2 из 3' }).waitFor();
  assert.match(await page.inputValue('#text'), /Телефоном/, 'nothing typed is lost');
  await page.getByRole('button', { name: /^Далее: место/ }).click();
  await page.fill('#address', t.HOUSE);
  await Promise.all([page.waitForNavigation(), page.locator('button[name=step][value=preview]').click()]);
  await page.locator('button[name=step][value=send]').waitFor();

  // The server refuses a report without a topic: the form opens at step 1.
  await t.goto(page, '/report');
  await page.getByRole('button', { name: /^Далее: описание/ }).click();
  await page.getByRole('button', { name: /^Далее: место/ }).click();
  await Promise.all([page.waitForNavigation(), page.locator('button[name=step][value=preview]').click()]);
  await status.filter({ hasText: 'Шаг 1 из 3' }).waitFor();
  assert.equal(await page.locator('#topic_id-error').isVisible(), true);
  await context.close();
});
