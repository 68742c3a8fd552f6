// axe-core on every public page and every step of the report form: no
// WCAG 2.0/2.1 A or AA violation.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as t from './lib.mjs';

let browser;
let context;
let page;
before(async () => {
  browser = await t.launch();
  // The site's Content-Security-Policy forbids inline scripts, which is how
  // axe-core is injected: only these pages are checked without it.
  context = await t.newContext(browser, { bypassCSP: true });
  page = await context.newPage();
});
after(async () => {
  await browser?.close();
});

async function assertAccessible(where) {
  await page.waitForLoadState('load');
  const violations = await t.axe(page);
  assert.equal(violations.length, 0, `axe-core found violations:\n${t.describeViolations(where, violations)}`);
}

async function check(path) {
  await t.goto(page, path);
  await assertAccessible(path);
}

test('home page', () => check('/'));
test('list of messages', () => check('/messages'));
test('list of messages, searched', () => check('/messages?q=%D1%8F%D0%BC%D0%B0'));
test('statistics', () => check('/statistics'));
test('sign-in page', () => check('/login'));
test('sign-up page', () => check('/signup'));
test('the widget, in English', () => check('/widget?lang=en'));

test('a message page', async () => {
  await t.goto(page, '/messages');
  const first = await page.locator('main article.card h3 a').first().getAttribute('href');
  assert.ok(first, 'the demo has published messages');
  await check(first);
});

test('the public map, its clusters drawn', async () => {
  const response = await page.goto(t.url('/map'));
  assert.ok(response && response.status() < 400, `/map: ${response?.status()}`);
  await page.locator('#public-map .leaflet-marker-icon').first().waitFor();
  await assertAccessible('/map');
});

test('report form: every step', async () => {
  // The empty form.
  await check('/report');

  // Topics found by words.
  await t.goto(page, '/report?find=%D1%8F%D0%BC%D0%B0');
  await page.locator('section.found').waitFor();
  await assertAccessible('/report?find=яма');

  // The form back with validation errors: nothing filled in.
  await t.goto(page, '/report');
  const form = 'form.report[action="/report"]';
  const first = page.locator(`${form} button[name=step][value=preview]`);
  await Promise.all([page.waitForNavigation(), first.click()]);
  await page.locator('.error-summary').waitFor();
  await assertAccessible('/report after validation errors');

  // A valid form: its preview step.
  await t.goto(page, '/report');
  await t.chooseRoadTopic(page);
  await page.fill('#text', `Проверка доступности: яма на дороге у перекрёстка (${t.unique()}).`);
  await page.fill('#address', t.HOUSE);
  await page.selectOption('#territory_id', { label: 'микрорайон Центральный' });
  await Promise.all([page.waitForNavigation(), first.click()]);
  await page.locator('button[name=step][value=send]').waitFor();
  await assertAccessible('/report preview');
  // Back to the form to change something: the form again, filled in.
  await Promise.all([page.waitForNavigation(), page.locator('button[name=step][value=edit]').click()]);
  await page.locator('#text').waitFor();
  await assertAccessible('/report after "edit" from the preview');
});

test('sign-up page with validation errors', async () => {
  await t.goto(page, '/signup');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/signup"] button[type=submit]')]);
  await page.locator('.error-summary, .error').first().waitFor();
  await assertAccessible('/signup after validation errors');
});

test("a signed-in resident's pages", async () => {
  const resident = await t.newContext(browser, { bypassCSP: true });
  const own = await resident.newPage();
  await t.login(own, t.DEMO.resident);
  const previous = page;
  page = own;
  try {
    await check('/my');
    const mine = await own.locator('main .cards a[href^="/messages/"]').first().getAttribute('href');
    if (mine) await check(mine);
    await check('/report');
  } finally {
    page = previous;
    await resident.close();
  }
});

test('the same pages in English, chosen with the language switcher', async () => {
  await t.goto(page, '/');
  await Promise.all([page.waitForNavigation(), page.locator('header.site a[hreflang=en]').click()]);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  for (const path of ['/', '/report', '/map', '/messages', '/statistics', '/login']) {
    await check(path);
    assert.equal(await page.getAttribute('html', 'lang'), 'en', `${path} is not in English`);
  }
  // Back to Russian for whatever runs after.
  await Promise.all([page.waitForNavigation(), page.locator('header.site a[hreflang=ru]').click()]);
  assert.equal(await page.getAttribute('html', 'lang'), 'ru');
});
