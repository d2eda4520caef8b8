// The person's own account: confirming the address with the mailed link,
// seeing and ending sessions, a new password by mail, and staying logged in
// when the short-lived access token has run out.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { expect, test, type Page } from '@playwright/test';

import * as act from './support/actions';
import * as check from './support/checks';
import * as find from './support/locators';

/** The path of the link to `prefix` in the mail the server wrote for `email`
 * (no SMTP in the browser tests: mails go to the outbox folder). */
async function mailedLink(email: string, prefix: string): Promise<string> {
  const outbox = process.env.E2E_OUTBOX_DIR ?? '';
  expect(outbox, 'E2E_OUTBOX_DIR must name the server outbox').not.toBe('');
  let found = '';
  await expect
    .poll(() => {
      for (const name of readdirSync(outbox)) {
        const mail = readFileSync(path.join(outbox, name), 'utf8').replace(/=\r?\n/g, '');
        if (!mail.includes(`To: ${email}`)) continue;
        const match = mail.match(new RegExp(`${prefix}[0-9a-f]+`));
        if (match) found = match[0];
      }
      return found;
    })
    .not.toBe('');
  return found;
}

async function opensAccount(page: Page): Promise<void> {
  await find.link(page, 'Konto').click();
  await expect(find.heading(page, 'Ihr Konto')).toBeVisible();
}

test('a person confirms the address, sees this device and stays logged in past the access token', async ({
  page,
  context,
}) => {
  const errors = check.watchPageErrors(page);
  const person = act.newPerson('Vera Verifiziert', 'builder');
  await act.registers(page, person);

  await opensAccount(page);
  await expect(find.main(page)).toContainText('ist noch nicht bestätigt');
  await expect(find.main(page)).toContainText('Ihre Identität ist noch nicht bestätigt');
  await expect(find.main(page).getByText('Dieses Gerät')).toBeVisible();
  await check.passesAccessibilityCheck(page, 'the account page');

  await page.goto(await mailedLink(person.email, '/verify-email/'));
  await expect(page.getByRole('status').filter({ hasText: 'ist bestätigt' })).toBeVisible();
  await check.passesAccessibilityCheck(page, 'the confirmed address');

  // The access token has run out (as after ten minutes): the page renews
  // the session with its refresh cookie and the person notices nothing.
  await context.clearCookies({ name: 'vr_session' });
  await page.goto('/account');
  await expect(find.heading(page, 'Ihr Konto')).toBeVisible();
  await expect(find.main(page)).toContainText(`${person.email} ist bestätigt`);
  await expect(find.button(page, 'Abmelden')).toBeVisible();
  check.expectNoPageErrors(errors);
});

test('a person logs out another device from the account page', async ({ page, browser }) => {
  const errors = check.watchPageErrors(page);
  const person = act.newPerson('Sven Sitzung', 'builder');
  await act.registers(page, person);

  const laptop = await browser.newPage();
  await act.logsIn(laptop, person.email, person.password);

  await opensAccount(page);
  const other = find.button(page, 'Dieses Gerät abmelden');
  await expect(other).toHaveCount(1);
  // Keyboard: the button is reachable and works with Enter.
  await other.focus();
  await page.keyboard.press('Enter');
  await expect(find.announcer(page)).toHaveText('Das Gerät ist abgemeldet.');
  await expect(other).toHaveCount(0);

  await laptop.reload();
  await expect(find.heading(laptop, 'Anmelden')).toBeVisible();
  await laptop.close();
  check.expectNoPageErrors(errors);
});

test('a person who forgot the password sets a new one by mail and is logged out everywhere', async ({
  page,
  browser,
}) => {
  const errors = check.watchPageErrors(page);
  const person = act.newPerson('Paula Passwort', 'builder');
  await act.registers(page, person);
  const other = await browser.newPage();
  await act.logsIn(other, person.email, person.password);

  await find.button(page, 'Abmelden').click();
  await find.link(page, 'Passwort vergessen?').click();
  await expect(find.heading(page, 'Passwort vergessen')).toBeVisible();
  await check.passesAccessibilityCheck(page, 'the forgotten-password page');
  await find.field(page, 'E-Mail-Adresse').fill(person.email);
  await find.button(page, 'Link senden').click();
  await expect(page.getByRole('status').filter({ hasText: 'ist der Link unterwegs' })).toBeVisible();

  await page.goto(await mailedLink(person.email, '/reset-password/'));
  await expect(find.heading(page, 'Neues Passwort festlegen')).toBeVisible();
  await find.field(page, 'Neues Passwort').fill('zu kurz');
  await find.button(page, 'Passwort festlegen').click();
  await expect(page.getByRole('alert')).toHaveText('Das Passwort muss mindestens 12 Zeichen lang sein.');
  await check.passesAccessibilityCheck(page, 'the new-password page with an error');
  const newPassword = 'ein ganz neuer langer Satz';
  await find.field(page, 'Neues Passwort').fill(newPassword);
  await find.button(page, 'Passwort festlegen').click();
  await expect(page.getByRole('status').filter({ hasText: 'Ihr neues Passwort gilt' })).toBeVisible();

  // The other browser was logged out with the reset.
  await other.reload();
  await expect(find.heading(other, 'Anmelden')).toBeVisible();
  await other.close();

  await act.logsIn(page, person.email, newPassword);
  check.expectNoPageErrors(errors);
});
