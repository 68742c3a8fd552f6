// A resident signs up, reports a road problem with a photo and a point, sees
// it in "Мои сообщения"; a moderator passes it on, the road committee's
// executor answers it, and the resident rates the answer.

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

test('sign up, report with a photo, answer from the staff side, rate', async () => {
  const id = t.unique();
  const email = `browser-${id}@example.org`;
  const password = `долгий пароль ${id}`;
  const text = `Глубокая яма на проезжей части у дома, машины объезжают по встречке (${id}).`;

  // The resident signs up; no confirmation is needed to sign in and report.
  const resident = await t.newContext(browser);
  const page = await resident.newPage();
  await t.goto(page, '/signup');
  await page.fill('#name', 'Ирина Браузерова');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/signup"] button[type=submit]')]);
  await assert.doesNotReject(page.getByRole('heading', { name: 'Проверьте почту' }).waitFor());
  await t.login(page, email, password);
  await assert.doesNotReject(page.locator('header.site a.user', { hasText: 'Ирина Браузерова' }).waitFor());

  // The report: a road topic, a photo and a point.
  await t.goto(page, '/report');
  const topic = await t.chooseRoadTopic(page);
  await page.fill('#text', text);
  await page.setInputFiles('#photos', t.PHOTO);
  await t.givePoint(page);
  await t.submitReport(page);
  const messagePath = new URL(page.url()).pathname;
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: topic }).waitFor());
  await page.locator('.status', { hasText: 'На модерации' }).first().waitFor();
  await page.locator('ul.photos img').first().waitFor();

  // Resident's own list.
  await t.goto(page, '/my');
  await page.getByRole('heading', { level: 1, name: 'Мои сообщения' }).waitFor();
  const card = page.locator(`.cards a[href="${messagePath}"]`);
  assert.equal(await card.count() > 0, true, `no card for ${messagePath} in /my`);

  // A new message is moderated first: the moderator passes it to the road committee.
  const moderation = await t.newContext(browser);
  const moderator = await moderation.newPage();
  await t.login(moderator, t.DEMO.moderator);
  const messageId = messagePath.split('/').pop();
  await t.goto(moderator, `/staff/messages/${messageId}`);
  const routeTo = moderator.locator('#route-org');
  const roads = await routeTo.locator('option', { hasText: 'Комитет дорожного хозяйства' }).first().getAttribute('value');
  await routeTo.selectOption(roads);
  await Promise.all([
    moderator.waitForResponse((r) => r.url().includes(`/staff/messages/${messageId}`) && r.request().method() === 'GET'),
    moderator.getByRole('button', { name: 'Одобрить и передать' }).click(),
  ]);
  await moderator.locator('[role=status]', { hasText: 'Готово' }).waitFor();
  await moderation.close();

  // The road committee's executor answers in a fresh browser context.
  const staff = await t.newContext(browser);
  const executor = await staff.newPage();
  await t.login(executor, t.DEMO.executor);
  await t.goto(executor, '/staff/inbox');
  await executor.locator(`a[href="/staff/messages/${messageId}"]`).first().click();
  await executor.waitForURL(`**/staff/messages/${messageId}`);
  await executor.fill('#answer-text', 'Яму заделаем до конца недели, бригада уже выехала.');
  await Promise.all([
    executor.waitForResponse((r) => r.url().includes(`/staff/messages/${messageId}`) && r.request().method() === 'GET'),
    executor.getByRole('button', { name: 'Ответить', exact: true }).click(),
  ]);
  await executor.locator('[role=status]', { hasText: 'Готово' }).waitFor();
  await staff.close();

  // The resident sees the answer and rates it.
  await t.goto(page, messagePath);
  await page.getByRole('group', { name: 'Оцените ответ' }).waitFor();
  await page.getByRole('group', { name: 'Оцените ответ' }).getByLabel('5').check();
  await page.getByRole('group', { name: 'Проблема решена?' }).getByLabel('да').check();
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Оценить' }).click()]);
  assert.equal(new URL(page.url()).pathname, messagePath);
  assert.equal(await page.getByRole('button', { name: 'Оценить' }).count(), 0, 'the answer can be rated only once');
  const history = await page.locator('.timeline').textContent();
  assert.match(history, /оцен/i, `no rating in the history: ${history}`);
  await resident.close();
});
