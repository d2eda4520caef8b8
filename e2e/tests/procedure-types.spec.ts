// The office admin keeps the office's procedure types: adds photos to the
// checklist of the preliminary decision and lengthens its statement period,
// is told in German when a period is no period, and a builder who starts
// such a room afterwards is asked for the photos. The admin also adds a
// procedure type of the office's own, and cannot add its key twice.

import { expect, test } from '@playwright/test';

import * as act from './support/actions';
import * as check from './support/checks';
import * as find from './support/locators';

const admin = {
  email: process.env.E2E_ADMIN_EMAIL ?? '',
  password: process.env.E2E_ADMIN_PASSWORD ?? '',
};

test('the office admin changes a checklist and a new room asks for the changed documents', async ({
  browser,
  page,
}) => {
  expect(admin.email, 'E2E_ADMIN_EMAIL must name the office admin').not.toBe('');
  const errors = check.watchPageErrors(page);

  await test.step('the admin logs in and lands on the procedure types', async () => {
    await act.logsIn(page, admin.email, admin.password);
    await expect(find.heading(page, 'Verfahrensarten')).toBeVisible();
    await expect(find.procedureType(page, 'Vorbescheid')).toBeVisible();
    await check.passesAccessibilityCheck(page, 'the procedure types page');
  });

  await test.step('a period that is no period is refused in words', async () => {
    await act.opensProcedureType(page, 'Vorbescheid');
    await find.field(page, 'Fotos').check();
    await find.field(page, 'Stellungnahmen (ab Anfrage)').fill('2y');
    await find.button(page, 'Speichern').click();
    await expect(page.getByRole('alert')).toContainText('Eine Frist ist keine gültige Angabe');
    await check.passesAccessibilityCheck(page, 'the procedure type form with an error');
  });

  await test.step('the admin saves the checklist with photos and a six-week period', async () => {
    await find.field(page, 'Stellungnahmen (ab Anfrage)').fill('6w');
    await act.savesProcedureType(page, 'Vorbescheid');
    const card = find.procedureType(page, 'Vorbescheid');
    await expect(card.getByRole('listitem').filter({ hasText: /^Fotos$/ })).toBeVisible();
    await expect(card).toContainText('Stellungnahmen: 6w');
  });

  await test.step('after a reload the change is still there', async () => {
    await page.reload();
    const card = find.procedureType(page, 'Vorbescheid');
    await expect(card.getByRole('listitem').filter({ hasText: /^Fotos$/ })).toBeVisible();
  });

  await test.step('the admin adds a procedure type, once per key', async () => {
    const keyField = 'Schlüssel (Kleinbuchstaben, Ziffern, - und _; nicht mehr änderbar)';
    const adds = async () => {
      await find.button(page, 'Neue Verfahrensart anlegen').click();
      await expect(find.field(page, keyField)).toBeFocused();
      await find.field(page, keyField).fill('werbeanlage');
      await find.field(page, 'Name (deutsch)').fill('Werbeanlage');
      await find.field(page, 'Name (englisch)').fill('Advertising sign');
      await find.field(page, 'Lageplan').check();
      await find.button(page, 'Speichern').click();
    };
    await adds();
    await expect(find.announcer(page)).toContainText('Angelegt: Werbeanlage');
    const card = find.procedureType(page, 'Werbeanlage');
    await expect(card.getByRole('listitem').filter({ hasText: /^Lageplan$/ })).toBeVisible();
    await expect(card).toContainText('Schlüssel: werbeanlage');

    await adds();
    await expect(page.getByRole('alert')).toContainText('Diesen Schlüssel hat schon');
    await check.passesAccessibilityCheck(page, 'the form for a new procedure type');
    await find.button(page, 'Abbrechen').click();
    await expect(find.button(page, 'Neue Verfahrensart anlegen')).toBeFocused();
  });

  await test.step('a builder starting a preliminary decision is asked for photos', async () => {
    const context = await browser.newContext();
    const builderPage = await context.newPage();
    const builderErrors = check.watchPageErrors(builderPage);
    await act.registers(builderPage, act.newPerson('Vera Vorbescheid', 'builder'));
    await act.startsRoom(builderPage, `Bauvoranfrage ${Date.now()}`, 'Hafenstraße 3, 17489 Greifswald', 'Vorbescheid');
    await expect(find.documentsSection(builderPage).getByRole('heading', { name: 'Fotos' })).toBeVisible();
    check.expectNoPageErrors(builderErrors);
    await context.close();
  });

  check.expectNoPageErrors(errors);
});
