// The «Сообщить о проблеме» widget on another site: a page served here on a
// second local port (another site: `localhost`, not the platform's
// 127.0.0.1) carries the snippet from the organisation's widget page. Its
// administrator allows that site; a visitor opens the overlay, closes it
// with Escape, opens it again and files a report with a photo inside the
// frame, without any cookie of the platform, up to the message's number.
// A site the organisation did not allow gets no frame, only the new tab.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import * as t from './lib.mjs';

let browser;
let server;
let site;
/** The HTML of the embedding page, by path. */
const pages = new Map();

before(async () => {
  browser = await t.launch();
  server = createServer((request, response) => {
    const html = pages.get(new URL(request.url, 'http://localhost').pathname);
    response.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html || 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  site = `http://localhost:${server.address().port}`;
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve) ?? resolve());
});

async function organisation(slug) {
  const response = await fetch(t.url('/api/v1/organisations'));
  const { items } = await response.json();
  const found = items.find((o) => o.slug === slug);
  assert.ok(found, `no organisation ${slug}`);
  return found.id;
}

/** A page of the other site with the snippet in its text. */
function embedding(snippet) {
  return `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Администрация города</title></head>
<body><main><h1>Администрация города</h1><p>Новости и обращения.</p>${snippet}</main></body></html>`;
}

test('an allowed site shows the form in an overlay and a report is filed inside it', async () => {
  const org = await organisation('city-admin');

  // The organisation's administrator allows the site and copies the snippet.
  const admin = await t.newContext(browser);
  const adminPage = await admin.newPage();
  await t.login(adminPage, 'orgadmin@demo.vmeste.example');
  await t.goto(adminPage, `/org/${org}/widget`);
  await adminPage.fill('#origin', site);
  await Promise.all([
    adminPage.waitForNavigation(),
    adminPage.click(`form[action="/org/${org}/widget/origins"] button[type=submit]`),
  ]);
  await adminPage.locator('ul.sites code', { hasText: site }).waitFor();
  const snippet = await adminPage.inputValue('#snippet');
  assert.match(snippet, /data-vmeste-widget/);
  await admin.close();
  pages.set('/', embedding(snippet));

  // A visitor of that site: no session, no cookie of the platform.
  const visitor = await t.newContext(browser, {}, [site]);
  const page = await visitor.newPage();
  await page.goto(`${site}/`);
  const button = page.getByRole('button', { name: 'Сообщить о проблеме' });
  await button.waitFor();
  assert.equal(await page.locator('a[data-vmeste-widget]').count(), 0, 'the link became the button');

  // Escape closes the dialog and gives the focus back to the button.
  await button.click();
  const dialog = page.getByRole('dialog', { name: 'Сообщить о проблеме' });
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute('aria-modal'), 'true');
  const violations = await t.axe(page);
  assert.equal(violations.length, 0, t.describeViolations('the overlay', violations));
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await button.evaluate((b) => b === document.activeElement), true, 'focus is back on the button');

  // Open again; the form loads in the frame, Escape inside it closes too.
  await button.click();
  await dialog.waitFor();
  const frameElement = page.locator('iframe[title="Сообщить о проблеме"]');
  await frameElement.waitFor();
  let frame = await (await frameElement.elementHandle()).contentFrame();
  await frame.locator('#topic_id').waitFor();
  // Its script, which passes Escape on, runs once the frame has loaded.
  await frame.waitForLoadState('load');
  // Focused and pressed in one step, so the key goes to the frame's field.
  // The frame goes with the dialog while the press is still being reported,
  // so its outcome is not awaited: the dialog closing is the check.
  frame.locator('#text').press('Escape').catch(() => {});
  await dialog.waitFor({ state: 'detached' });

  await button.click();
  await dialog.waitFor();
  frame = await (await page.locator('iframe[title="Сообщить о проблеме"]').elementHandle()).contentFrame();
  await frame.locator('#topic_id').waitFor();
  assert.equal(await frame.locator('header.site').count(), 0, 'no site header in the widget');
  const text = `Сломана скамейка и разбит фонарь у входа в сквер (${t.unique()}).`;
  await t.chooseRoadTopic(frame);
  await frame.fill('#text', text);
  await frame.setInputFiles('#photos', t.PHOTO);
  await frame.fill('#lat', t.POINT.lat);
  await frame.fill('#lon', t.POINT.lon);
  await Promise.all([
    frame.waitForNavigation(),
    frame.click('form.report button[name=step][value=preview]'),
  ]);
  const send = frame.locator('button[name=step][value=send]');
  if ((await send.count()) === 0) {
    const errors = await frame.locator('.error-summary, .error').allTextContents();
    throw new Error(`no preview in the widget; errors: ${errors.join(' | ')}`);
  }
  await frame.locator('ul.held img').first().waitFor();
  await Promise.all([frame.waitForNavigation(), send.click()]);
  assert.match(new URL(frame.url()).pathname, /^\/widget\/sent\/\d+$/);
  const number = (await frame.locator('.number').textContent()).trim();
  assert.match(number, /\d/);
  const open = frame.getByRole('link', { name: /Открыть сообщение на платформе/ });
  assert.equal(await open.getAttribute('target'), '_blank');

  // The message is the platform's, with its photo and the number shown.
  const messagePath = await open.getAttribute('href');
  const message = await (await fetch(t.url(`/api/v1${messagePath}`))).json();
  assert.equal(message.number, number);
  const cookies = await visitor.cookies(t.BASE_URL);
  assert.equal(cookies.length, 0, `the platform set no cookie: ${JSON.stringify(cookies)}`);
  await visitor.close();
});

test('a site the organisation did not allow gets no frame, and the new tab is offered', async () => {
  const org = await organisation('city-roads');
  pages.set(
    '/roads',
    embedding(
      `<a href="${t.BASE_URL}/widget?org=${org}" data-vmeste-widget>Сообщить о проблеме</a>` +
        `<script src="${t.BASE_URL}/widget.js" async data-org="${org}"></script>`,
    ),
  );
  const visitor = await t.newContext(browser, {}, [site]);
  const page = await visitor.newPage();
  await page.goto(`${site}/roads`);
  await page.getByRole('button', { name: 'Сообщить о проблеме' }).click();
  const notice = page.getByRole('alert');
  await notice.waitFor();
  assert.match(await notice.textContent(), /новой вкладке/);
  assert.equal(
    await page.getByRole('link', { name: 'Открыть в новой вкладке' }).evaluate((a) => a === document.activeElement),
    true,
    'the new tab link has the focus',
  );
  await visitor.close();
});
