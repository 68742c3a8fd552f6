// Shared helpers for Vmeste's browser tests: Debian's Chromium through
// playwright-core (no browser download), the local server only, axe-core.

import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

export const BASE_URL = (process.env.VMESTE_BASE_URL || 'http://127.0.0.1:8099').replace(/\/$/, '');
export const SCREENSHOTS = process.env.VMESTE_SCREENSHOTS || '';
export const CHROMIUM = process.env.VMESTE_CHROMIUM || '/usr/bin/chromium';
export const PASSWORD = 'vmeste-demo';
export const DEMO = {
  resident: 'resident@demo.vmeste.example',
  executor: 'executor@demo.vmeste.example',
  operator: 'operator@demo.vmeste.example',
  moderator: 'moderator@demo.vmeste.example',
};
/** The JPEG fixture with a GPS tag and an EXIF rotation. */
export const PHOTO = resolve(here, '../../../test-support/fixtures/gps-rotated.jpg');
/**
 * A point in the demo city's central microdistrict (crates/db/demo:
 * city-centre spans 56.385–56.425 N, 42.949–43.031 E) and a house there.
 */
export const POINT = { lat: '56.4050', lon: '42.9900' };
export const HOUSE = 'ул. Ленина, 10';

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh context (its own cookies) that may only talk to the local server
 * (and to the `alsoAllowed` origins, such as a local page embedding the
 * widget): every other request (map tiles, fonts, anything) is aborted.
 */
export async function newContext(browser, options = {}, alsoAllowed = []) {
  const context = await browser.newContext({ locale: 'ru-RU', ...options });
  const origins = [new URL(BASE_URL).origin, ...alsoAllowed];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    const ours = origins.some((origin) => url.startsWith(origin + '/') || url === origin);
    if (ours || url.startsWith('data:') || url.startsWith('blob:')) {
      return route.continue();
    }
    return route.abort('blockedbyclient');
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  return context;
}

export function url(path) {
  return BASE_URL + path;
}

/** Fails on a server error page instead of timing out later. */
export async function goto(page, path) {
  const response = await page.goto(url(path));
  if (!response || response.status() >= 500) {
    throw new Error(`GET ${path}: ${response ? response.status() : 'no response'}`);
  }
  return response;
}

export async function login(page, email, password = PASSWORD) {
  await goto(page, '/login');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('form[action="/login"] button[type=submit]'),
  ]);
}

/** A unique enough suffix for e-mails and texts within one run. */
export function unique() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Chooses the first road topic ("Дороги…" category) in #topic_id; returns its label. */
export async function chooseRoadTopic(page) {
  const option = await page.evaluate(() => {
    const select = document.querySelector('#topic_id');
    for (const group of select.querySelectorAll('optgroup')) {
      if (/дорог/i.test(group.label)) {
        const first = group.querySelector('option');
        if (first) return { value: first.value, label: first.textContent.trim() };
      }
    }
    return null;
  });
  if (!option) throw new Error('no road topic in #topic_id');
  await page.selectOption('#topic_id', option.value);
  return option.label;
}

/** Gives the report's place by a tap on the form's map, which fills #lat/#lon. */
export async function givePoint(page) {
  const map = page.locator('#place-map');
  await map.scrollIntoViewIfNeeded();
  await map.click();
  const lat = await page.inputValue('#lat');
  const lon = await page.inputValue('#lon');
  if (lat.trim() === '' || lon.trim() === '') throw new Error('a tap on the map gave no point');
}

/**
 * Files the report form: its preview step, then the preview's send button
 * (which also answers "similar messages nearby"). Resolves on the new
 * message's page.
 */
export async function submitReport(page) {
  const preview = page.locator('form.report[action="/report"] button[name=step][value=preview]');
  await Promise.all([page.waitForNavigation(), preview.click()]);
  // The preview (with any similar messages nearby) has the one send button.
  const send = page.locator('button[name=step][value=send]');
  if ((await send.count()) === 0) {
    const errors = await page.locator('.error-summary, .error').allTextContents();
    throw new Error(`no preview at ${page.url()}; errors: ${errors.join(' | ')}`);
  }
  await Promise.all([page.waitForNavigation(), send.click()]);
  if (!isMessagePage(page)) {
    const errors = await page.locator('.error-summary, .error').allTextContents();
    throw new Error(`the report was not filed; at ${page.url()}; errors: ${errors.join(' | ')}`);
  }
}

export function isMessagePage(page) {
  return /^\/messages\/\d+$/.test(new URL(page.url()).pathname);
}

/** Writes a screenshot into VMESTE_SCREENSHOTS, if that is set. */
export async function screenshot(page, name, options = {}) {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true, animations: 'disabled', ...options });
}

const axeSource = require('axe-core').source;
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Runs axe-core on the page as it is; returns the violations. */
export async function axe(page) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  }, AXE_TAGS);
}

export function describeViolations(where, violations) {
  return violations
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) — ${v.help}\n` +
        v.nodes.map((n) => `    ${n.target}\n      ${(n.summary || '').replace(/\n/g, '\n      ')}`).join('\n'),
    )
    .join('\n');
}
