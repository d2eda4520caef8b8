// A person chooses which e-mails the case room sends them.

import { expect, test } from '@playwright/test';

import * as act from './support/actions';
import * as check from './support/checks';
import * as find from './support/locators';

test('a person switches deadline reminders off and they stay off after a reload', async ({ page }) => {
  const errors = check.watchPageErrors(page);
  const person = act.newPerson('Rita Ruhig', 'builder');
  await act.registers(page, person);

  await find.link(page, 'Benachrichtigungen').click();
  await expect(find.heading(page, 'E-Mail-Benachrichtigungen')).toBeVisible();
  const reminders = find.field(page, 'Erinnerung vor Fristablauf');
  await expect(reminders).toBeChecked();
  await expect(find.field(page, 'Einladungen')).toBeChecked();
  await check.passesAccessibilityCheck(page, 'the notification settings');

  // With the keyboard alone: Space toggles the focused box.
  await reminders.focus();
  await page.keyboard.press('Space');
  await expect(reminders).not.toBeChecked();
  await find.button(page, 'Speichern').click();
  await expect(find.announcer(page)).toHaveText('Ihre Einstellungen sind gespeichert.');
  await check.passesAccessibilityCheck(page, 'the notification settings after saving');

  await page.reload();
  await expect(find.heading(page, 'E-Mail-Benachrichtigungen')).toBeVisible();
  await expect(find.field(page, 'Erinnerung vor Fristablauf')).not.toBeChecked();
  await expect(find.field(page, 'Einladungen')).toBeChecked();
  await expect(find.field(page, 'Hinweis auf versäumte Fristen')).toBeChecked();
  check.expectNoPageErrors(errors);
});
