// Arriving, choosing the language, logging in and out: what every visitor
// meets before any room.

import { expect, test } from '@playwright/test';

import * as act from './support/actions';
import * as check from './support/checks';
import * as find from './support/locators';

test('a visitor lands on the login page in German and can switch to English for good', async ({ page }) => {
  const errors = check.watchPageErrors(page);
  await page.goto('/');
  await expect(find.heading(page, 'Anmelden')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de-DE');
  await check.passesAccessibilityCheck(page, 'the login page');

  await find.button(page, 'English').click();
  await expect(find.heading(page, 'Log in')).toBeVisible();
  await expect(find.button(page, 'English')).toHaveAttribute('aria-pressed', 'true');
  await page.reload();
  await expect(find.heading(page, 'Log in')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en-GB');
  await check.passesAccessibilityCheck(page, 'the login page in English');
  check.expectNoPageErrors(errors);
});

test('a person is told about a short password and a wrong one, and can log out', async ({ page }) => {
  const errors = check.watchPageErrors(page);
  const person = act.newPerson('Lena Lernt', 'builder');

  await page.goto('/register');
  await find.field(page, 'Name').fill(person.name);
  await find.field(page, 'E-Mail-Adresse').fill(person.email);
  await find.field(page, 'Passwort').fill('zu kurz');
  await find.button(page, 'Konto anlegen').click();
  await expect(page.getByRole('alert')).toHaveText('Das Passwort muss mindestens 12 Zeichen lang sein.');
  await check.passesAccessibilityCheck(page, 'the registration page with an error');
  await find.field(page, 'Passwort').fill(person.password);
  await find.button(page, 'Konto anlegen').click();
  await expect(find.heading(page, 'Meine Vorgänge')).toBeVisible();

  await find.button(page, 'Abmelden').click();
  await expect(find.heading(page, 'Anmelden')).toBeVisible();
  await page.goto('/rooms');
  await expect(find.heading(page, 'Anmelden')).toBeVisible();
  await expect(page).toHaveURL(/\/login\?next=%2Frooms$/);

  await find.field(page, 'E-Mail-Adresse').fill(person.email);
  await find.field(page, 'Passwort').fill('ein falsches Passwort');
  await find.button(page, 'Anmelden').click();
  await expect(page.getByRole('alert')).toContainText('E-Mail-Adresse oder Passwort stimmen nicht');

  await find.field(page, 'Passwort').fill(person.password);
  await find.button(page, 'Anmelden').click();
  await expect(find.heading(page, 'Meine Vorgänge')).toBeVisible();
  check.expectNoPageErrors(errors);
});
