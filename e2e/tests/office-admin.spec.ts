// The office admin manages the office's people: adds a caseworker who has
// registered and removes them again after a question, and confirms a builder's identity after checking a passport,
// which the builder then sees beside their name. The operator adds an
// office with its first admin and sees nothing inside it.

import { expect, request, test } from '@playwright/test';

import * as act from './support/actions';
import * as check from './support/checks';
import * as find from './support/locators';

const operator = {
  email: process.env.E2E_OPERATOR_EMAIL ?? '',
  password: process.env.E2E_OPERATOR_PASSWORD ?? '',
};

/** Registers accounts through the API: the people the admin and the
 * operator then name by their addresses. */
async function registered(...people: act.Person[]): Promise<void> {
  const api = await request.newContext({
    baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:8080',
    extraHTTPHeaders: { 'X-Requested-With': 'vorgangsraum' },
  });
  try {
    for (const person of people) {
      const answer = await api.post('/api/auth/register', {
        data: { email: person.email, password: person.password, display_name: person.name },
      });
      expect(answer.status(), await answer.text()).toBe(201);
    }
  } finally {
    await api.dispose();
  }
}

test('the office admin adds and removes a caseworker and confirms a builder’s identity', async ({
  browser,
  page,
}) => {
  const errors = check.watchPageErrors(page);
  const caseworker = act.newPerson('Kai Kollege', 'caseworker');
  const builder = act.newPerson('Greta Gründlich', 'builder');
  await registered(caseworker, builder);

  await test.step('the admin opens the office’s management', async () => {
    await act.logsIn(page, act.officeAdmin.email, act.officeAdmin.password);
    await find.link(page, 'Amt verwalten').click();
    await expect(find.heading(page, 'Amt verwalten')).toBeVisible();
    await expect(page.getByRole('cell', { name: 'Volker Verwaltung', exact: true })).toBeVisible();
    await check.passesAccessibilityCheck(page, 'the office management page');
  });

  await test.step('the admin adds the caseworker by their address', async () => {
    await find.field(page, 'E-Mail-Adresse').fill(caseworker.email);
    await find.field(page, 'Rolle').selectOption({ label: 'Sachbearbeitung' });
    await find.button(page, 'Hinzufügen').click();
    await expect(find.announcer(page)).toHaveText(`${caseworker.name} gehört jetzt zum Amt.`);
    const row = page.getByRole('row').filter({ hasText: caseworker.email });
    await expect(row).toContainText('Sachbearbeitung');
  });

  await test.step('removing the caseworker asks first, and a no keeps them', async () => {
    const row = page.getByRole('row').filter({ hasText: caseworker.email });
    const remove = find.button(page, `${caseworker.name} entfernen`);
    let question = '';
    page.once('dialog', (dialog) => {
      question = dialog.message();
      void dialog.dismiss();
    });
    await remove.click();
    expect(question).toContain('aus dem Amt entfernen?');
    await expect(row).toBeVisible();

    page.once('dialog', (dialog) => void dialog.accept());
    await remove.click();
    await expect(find.announcer(page)).toHaveText(`${caseworker.name} gehört nicht mehr zum Amt.`);
    await expect(row).toHaveCount(0);
  });

  await test.step('an address nobody registered with is refused in words', async () => {
    await find.field(page, 'E-Mail-Adresse').fill('niemand@e2e.example.org');
    await find.button(page, 'Hinzufügen').click();
    await expect(page.getByRole('alert')).toContainText('zuerst selbst zu registrieren');
    await check.passesAccessibilityCheck(page, 'the office management page with an error');
  });

  await test.step('the admin confirms the builder’s identity with the keyboard', async () => {
    await find.field(page, 'E-Mail-Adresse des Kontos').fill(builder.email);
    await find.field(page, 'Geprüftes Dokument').selectOption({ label: 'Reisepass' });
    await find.field(page, 'E-Mail-Adresse des Kontos').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByText(`Die Identität von ${builder.name} ist bestätigt (Reisepass).`).first())
      .toBeVisible();
  });

  await test.step('the builder sees the confirmation beside their name', async () => {
    const context = await browser.newContext();
    const builderPage = await context.newPage();
    await act.logsIn(builderPage, builder.email, builder.password);
    await expect(builderPage.getByText(/^Identität bestätigt am .* \(Reisepass\)$/)).toBeVisible();
    await context.close();
  });

  check.expectNoPageErrors(errors);
});

test('the operator adds an office and sees nothing inside it', async ({ page }) => {
  expect(operator.email, 'E2E_OPERATOR_EMAIL must name the operator').not.toBe('');
  const errors = check.watchPageErrors(page);
  const firstAdmin = act.newPerson('Ella Erste', 'admin');
  await registered(firstAdmin);
  // Named to sort after the seeded office, which stays the first one listed.
  const office = `Bauaufsicht Zweitkreis ${Date.now()}`;

  await test.step('the operator lands on the offices', async () => {
    await act.logsIn(page, operator.email, operator.password);
    await expect(find.heading(page, 'Ämter')).toBeVisible();
    await expect(page.getByRole('cell', { name: act.SEEDED_OFFICE, exact: true })).toBeVisible();
    await check.passesAccessibilityCheck(page, 'the operator’s offices');
  });

  await test.step('the operator adds an office with its first admin', async () => {
    await find.field(page, 'Name des Amts').fill(office);
    await find.field(page, 'Bundesland').selectOption('SH');
    await find.field(page, 'E-Mail-Adresse der ersten Amtsverwaltung').fill(firstAdmin.email);
    await find.button(page, 'Amt anlegen').click();
    await expect(find.announcer(page)).toHaveText(`${office} ist angelegt.`);
    const row = page.getByRole('row').filter({ hasText: office });
    await expect(row).toContainText('SH');
    await check.passesAccessibilityCheck(page, 'the offices after adding one');
  });

  await test.step('the office’s management is not the operator’s', async () => {
    await expect(find.link(page, 'Amt verwalten')).toHaveCount(0);
    const offices = await (await page.request.get('/api/operator/offices')).json();
    const added = offices.find((o: { name: string }) => o.name === office);
    await page.goto(`/office/${added.id}/manage`);
    await expect(page.getByText('Diese Seite ist der Verwaltung des Amts vorbehalten.')).toBeVisible();
  });

  check.expectNoPageErrors(errors);
});
