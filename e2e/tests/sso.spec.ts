// Logging in through the office's sign-on service instead of a password.
// scripts/e2e starts the server with a test OpenID provider of its own
// (e2e/oidc/provider.mjs), labelled "TestID", on another site (localhost
// while the case room is on 127.0.0.1), as a real provider would be.

import { expect, test } from '@playwright/test';

import * as act from './support/actions';
import * as check from './support/checks';
import * as find from './support/locators';

/** A user name at the provider no earlier run has used. */
function newUserName(name: string): string {
  return `${name}-${Date.now().toString(36)}`;
}

test('a person logs in through the sign-on service and lands where they were going', async ({ page }) => {
  const errors = check.watchPageErrors(page);
  const userName = newUserName('sina');

  await page.goto('/rooms');
  await expect(find.heading(page, 'Anmelden')).toBeVisible();
  const signOn = find.link(page, 'Anmelden mit TestID');
  await expect(signOn).toBeVisible();
  await check.passesAccessibilityCheck(page, 'the login page with single sign-on');

  // By keyboard, as anyone without a mouse would.
  await signOn.focus();
  await page.keyboard.press('Enter');
  await act.logsInAtSignOnService(page, userName);

  await expect(find.heading(page, 'Meine Vorgänge')).toBeVisible();
  await expect(page).toHaveURL(/\/rooms$/);
  await expect(page.getByText(`Angemeldet als ${userName}`)).toBeVisible();
  check.expectNoPageErrors(errors);
});

test('a person whose sign-on failed is told what to do next', async ({ page }) => {
  const errors = check.watchPageErrors(page);
  await page.goto('/login?sso_error=expired');
  await expect(page.getByRole('alert')).toContainText('Bitte starten Sie sie hier noch einmal.');
  await expect(find.link(page, 'Anmelden mit TestID')).toBeVisible();
  await check.passesAccessibilityCheck(page, 'the login page after a failed sign-on');
  check.expectNoPageErrors(errors);
});
