// The whole report with the keyboard only: Tab, typing, Enter and Space; the
// place given as a typed address, never the map or coordinates; no mouse.

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

/** Whether the focused element matches the selector. */
function focused(page, selector) {
  return page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);
}

/** Presses Tab (Shift+Tab backwards) until the selector has focus. */
async function tabTo(page, selector, { back = false, limit = 80 } = {}) {
  for (let i = 0; i < limit; i++) {
    if (await focused(page, selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
  throw new Error(`${selector} never got focus by Tab; focus is on ${at}`);
}

/** Presses ArrowDown on the focused select until the chosen option fits. */
async function chooseByArrows(page, selector, label) {
  for (let i = 0; i < 60; i++) {
    const chosen = await page.$eval(selector, (s) => s.selectedOptions[0]?.textContent.trim() ?? '');
    if (label.test(chosen)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no option like ${label} in ${selector}`);
}

/** The first of the selectors the page has. */
async function present(page, ...selectors) {
  for (const s of selectors) {
    if ((await page.locator(s).count()) > 0) return s;
  }
  return null;
}

test('a report made with the keyboard only, the place as an address', async () => {
  const context = await t.newContext(browser);
  const page = await context.newPage();
  await t.goto(page, '/');

  // From the home page to the form by its link in the menu.
  await tabTo(page, 'header.site a[href="/report"]');
  await Promise.all([page.waitForURL('**/report'), page.keyboard.press('Enter')]);

  // Find the topic by words, then follow the found topic's link.
  await tabTo(page, '#find');
  await page.keyboard.type('яма на дороге');
  await Promise.all([page.waitForURL(/find=/), page.keyboard.press('Enter')]);
  const found = 'section.found a[href^="/report?topic_id="]';
  assert.ok((await page.locator(found).count()) > 0, 'the words found no topic');
  await tabTo(page, found);
  await Promise.all([page.waitForURL(/topic_id=/), page.keyboard.press('Enter')]);
  const topic = await page.$eval('#topic_id', (s) => s.selectedOptions[0]?.textContent.trim() ?? '');
  assert.notEqual(await page.inputValue('#topic_id'), '', 'the found topic is not chosen');

  // The description.
  const form = 'form.report[action="/report"]';
  await tabTo(page, '#text');
  const text = `Клавиатурой: на дороге у дома разбит асфальт, яма глубиной сантиметров десять (${t.unique()}).`;
  await page.keyboard.type(text);

  // The place: an address from the house register, no map, no coordinates.
  await tabTo(page, '#address');
  await page.keyboard.type(t.HOUSE);
  assert.equal(await page.inputValue('#lat'), '');
  assert.equal(await page.inputValue('#lon'), '');

  // Preview, then send — each by Tab and a key. The register places the
  // address by itself: no district, no point.
  for (let round = 0; round < 3 && !t.isMessagePage(page); round++) {
    const errors = await page.locator('.error-summary').allTextContents();
    assert.deepEqual(errors, [], `the form refused the address-only report on ${page.url()}`);
    const next = await present(page, 'button[name=step][value=send]', `${form} button[name=step][value=preview]`);
    assert.ok(next, `nothing to press on ${page.url()}`);
    await tabTo(page, next);
    // Enter the first time, Space afterwards: both press a focused button.
    await Promise.all([page.waitForNavigation(), page.keyboard.press(round === 0 ? 'Enter' : 'Space')]);
  }
  assert.ok(t.isMessagePage(page), `not on a message page but ${page.url()}`);
  await page.getByRole('heading', { level: 1, name: topic }).waitFor();
  const facts = await page.locator('dl.facts').textContent();
  assert.ok(facts.includes(t.HOUSE), `the address is not on the message page: ${facts}`);
  await context.close();
});

test('the map with the keyboard: a cluster zooms in', async () => {
  const context = await t.newContext(browser);
  const page = await context.newPage();
  await t.goto(page, '/map');
  const cluster = page.locator('#public-map .leaflet-marker-icon.cluster').first();
  await cluster.waitFor();
  const label = await cluster.getAttribute('aria-label');
  assert.match(label ?? '', /\d/, 'a cluster says how many messages it holds');
  const before = new URL(page.url()).searchParams.get('bbox');
  await cluster.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((b) => new URL(location.href).searchParams.get('bbox') !== b, before);
  // TODO(next session): a lone pin's popup by Enter fails on PostgreSQL's demo data; see the note.
  // The list beside shows the same box's messages.
  assert.ok((await page.locator('#results article.card').count()) > 0, 'the list follows the map');
  await context.close();
});

test('on the map, a category chosen brings its topics and keeps the box', async () => {
  const context = await t.newContext(browser);
  const page = await context.newPage();
  await t.goto(page, '/map');
  await page.locator('#public-map .leaflet-marker-icon').first().waitFor();
  assert.equal(await page.locator('#f-topic').count(), 0, 'no topics before a category');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('bbox'));
  const box = new URL(page.url()).searchParams.get('bbox');
  const category = await page.locator('#f-category option').nth(1).getAttribute('value');
  await page.selectOption('#f-category', category);
  await tabTo(page, '#filters button[type=submit]');
  await page.keyboard.press('Enter');
  await page.locator('#f-topic').waitFor();
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('category'), category);
  // The map stays where it was (refitted to the box, so to a pixel or so).
  const [w0, s0, e0, n0] = box.split(',').map(Number);
  const [w1, s1, e1, n1] = url.searchParams.get('bbox').split(',').map(Number);
  const near = (a, b, span) => Math.abs(a - b) < span * 0.05;
  assert.ok(near((w0 + e0) / 2, (w1 + e1) / 2, e0 - w0) && near((s0 + n0) / 2, (s1 + n1) / 2, n0 - s0),
    `the box moved: ${box} → ${url.searchParams.get('bbox')}`);
  assert.ok((await page.locator('#f-topic option').count()) > 1, 'the category\'s topics are offered');
  await context.close();
});
