// Every public flow works with JavaScript turned off in the browser.

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

async function noScript() {
  const context = await t.newContext(browser, { javaScriptEnabled: false });
  return { context, page: await context.newPage() };
}

test('without JavaScript: a report is filed and its page shown', async () => {
  const { context, page } = await noScript();
  await t.goto(page, '/report');
  const topic = await t.chooseRoadTopic(page);
  const address = 'ул. Советская, у дома 5';
  await page.fill('#text', `Без JavaScript: на дороге провал асфальта, нужен ремонт (${t.unique()}).`);
  await page.fill('#address', address);
  await page.selectOption('#territory_id', { label: 'микрорайон Центральный' });
  // Without JavaScript there is no map: the point is typed.
  await page.fill('#lat', t.POINT.lat);
  await page.fill('#lon', t.POINT.lon);
  await t.submitReport(page);
  await page.getByRole('heading', { level: 1, name: topic }).waitFor();
  await page.locator('.status', { hasText: 'На модерации' }).first().waitFor();
  const facts = await page.locator('dl.facts').textContent();
  assert.ok(facts.includes(address), facts);
  await context.close();
});

test('without JavaScript: the list of messages is searched', async () => {
  const { context, page } = await noScript();
  await t.goto(page, '/messages');
  const cards = page.locator('main article.card');
  assert.ok((await cards.count()) > 0, 'the demo has published messages');
  // Search for a word of the first published message's topic.
  const heading = (await cards.first().locator('h3').textContent()).trim();
  const word = heading.split(/[^\p{L}]+/u).find((w) => w.length >= 5) ?? heading;
  const search = page.locator('main form[role=search]').filter({ has: page.locator('input[name=q]') });
  await search.locator('input[name=q]').fill(word);
  await Promise.all([page.waitForURL(/[?&]q=/), search.locator('button[type=submit]').first().click()]);
  assert.equal(await page.inputValue('main input[name=q]'), word, 'the search words stay in the field');
  const found = await page.locator('main article.card').count();
  assert.ok(found > 0, `nothing found for «${word}» (from «${heading}»)`);
  await context.close();
});

test('without JavaScript: sign in and out', async () => {
  const { context, page } = await noScript();
  await t.login(page, t.DEMO.resident);
  await page.locator('header.site a[href="/my"]').waitFor();
  await t.goto(page, '/my');
  await page.getByRole('heading', { level: 1, name: 'Мои сообщения' }).waitFor();
  await t.goto(page, '/logout');
  await Promise.all([
    page.waitForNavigation(),
    page.locator('form[action="/logout"] button[type=submit]:not([name])').click(),
  ]);
  await page.locator('header.site a[href="/login"]').waitFor();
  assert.equal(await page.locator('header.site a[href="/my"]').count(), 0);
  // A wrong password is refused with a message, not an error page.
  const other = await noScript();
  await t.goto(other.page, '/login');
  await other.page.fill('#email', t.DEMO.resident);
  await other.page.fill('#password', 'не тот пароль');
  await Promise.all([other.page.waitForNavigation(), other.page.click('form[action="/login"] button[type=submit]')]);
  await other.page.locator('.error-summary[role=alert]').waitFor();
  assert.equal(await other.page.locator('header.site a[href="/my"]').count(), 0);
  await other.context.close();
  await context.close();
});
