// Builder and designer fill in the application form at the same time, each
// in a browser of their own. Edits to different fields are both kept; a
// stale edit of the same field is refused and the second writer resolves
// it. Then the server restarts under them, and the pages recover without a
// reload, showing what happened while they were cut off.

import { readFileSync } from 'node:fs';

import { expect, test, type BrowserContext, type Page } from '@playwright/test';

import * as act from './support/actions';
import * as check from './support/checks';
import * as find from './support/locators';

const PARCEL = 'Grundstück (Gemarkung, Flur, Flurstück)';
const USE = 'Art der Nutzung';
const AREA = 'Brutto-Grundfläche (m²)';
const STOREYS = 'Vollgeschosse';

/** Types a value into a form field and leaves it, which saves it. */
async function fillsIn(page: Page, label: string, value: string): Promise<void> {
  const input = find.field(page, label);
  await input.fill(value);
  await input.blur();
}

async function seesSaved(page: Page, label: string, value: string): Promise<void> {
  await expect(find.field(page, label)).toHaveValue(value, { timeout: 15_000 });
}

const liveIndicator = (page: Page) => page.locator('.live');

test('builder and designer edit the form together and survive a server restart', async ({ browser }) => {
  test.setTimeout(180_000);
  const pidFile = process.env.E2E_SERVER_PID_FILE ?? '';
  expect(pidFile, 'E2E_SERVER_PID_FILE must name the server pid file').not.toBe('');

  const contexts: BrowserContext[] = [];
  const pageErrors: string[][] = [];
  const open = async (): Promise<Page> => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    pageErrors.push(check.watchPageErrors(page));
    return page;
  };
  const builderPage = await open();
  const designerPage = await open();
  const builder = act.newPerson('Bruno Bauherr', 'builder');
  const designer = act.newPerson('Dana Designer', 'designer');
  const title = `Doppelhaus am Deich ${Date.now()}`;

  await test.step('the builder starts a room and the designer joins it', async () => {
    await act.registers(builderPage, builder);
    await act.startsRoom(builderPage, title, 'Deichstraße 4, 17489 Greifswald');
    const link = await act.invites(builderPage, designer.email, 'Entwurfsverfasser/in');
    await designerPage.goto(new URL(link).pathname);
    await act.joinsThroughInvitation(designerPage, link, designer);
    await expect(find.heading(designerPage, title)).toBeVisible();
    await check.keepsPageOpen(builderPage);
    await check.keepsPageOpen(designerPage);
  });

  await test.step('each sees the other in the room, and which field they edit', async () => {
    await expect(builderPage.getByRole('region', { name: 'Gerade im Raum' })).toContainText(designer.name);
    await find.field(designerPage, USE).focus();
    await expect(builderPage.getByText(`Bearbeitet gerade: ${designer.name}`)).toBeVisible();
    await find.field(designerPage, USE).blur();
    await check.passesAccessibilityCheck(builderPage, 'the room with the application form');
  });

  await test.step('edits to different fields at the same time are both kept', async () => {
    await find.field(builderPage, PARCEL).fill('Gemarkung Eldena, Flur 3, Flurstück 12/4');
    await find.field(designerPage, AREA).fill('214,5');
    await Promise.all([find.field(builderPage, PARCEL).blur(), find.field(designerPage, AREA).blur()]);
    for (const page of [builderPage, designerPage]) {
      await seesSaved(page, PARCEL, 'Gemarkung Eldena, Flur 3, Flurstück 12/4');
      await seesSaved(page, AREA, '214,5');
    }
  });

  await test.step('the same field: the later writer sees the conflict and resolves it', async () => {
    // Both start typing in the same field from the same saved state.
    await find.field(builderPage, USE).fill('Doppelhaus');
    await find.field(designerPage, USE).fill('Doppelhaus mit Carport');
    await find.field(builderPage, USE).blur();
    await seesSaved(builderPage, USE, 'Doppelhaus');
    await find.field(designerPage, USE).blur();

    const conflict = designerPage.getByRole('group', { name: 'Gleichzeitige Änderung' });
    await expect(conflict).toContainText(`${builder.name} hat dieses Feld geändert`);
    await expect(conflict).toContainText('Doppelhaus');
    await expect(find.announcer(designerPage)).toContainText('wurde zwischenzeitlich geändert');
    await check.passesAccessibilityCheck(designerPage, 'a field in conflict');
    await find.button(designerPage, 'Meinen Wert trotzdem speichern').click();
    await expect(conflict).toBeHidden();
    await seesSaved(builderPage, USE, 'Doppelhaus mit Carport');
    await expect(builderPage.getByText(`Zuletzt geändert von ${designer.name}`).first()).toBeVisible();
  });

  await test.step('a change after signing withdraws the signature, visibly', async () => {
    await act.signs(builderPage);
    await check.seesSignatureOf(designerPage, builder.name);
    await fillsIn(designerPage, STOREYS, '2');
    await seesSaved(builderPage, STOREYS, '2');
    await expect(find.signaturesSection(builderPage)).toContainText('noch nicht unterschrieben');
    await expect(find.button(builderPage, 'Erklärung unterschreiben')).toBeVisible();
  });

  await test.step('the server restarts; the pages recover by themselves', async () => {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    process.kill(pid, 'SIGTERM');
    await expect(liveIndicator(builderPage)).not.toHaveText('Live verbunden', { timeout: 30_000 });
    // Back up (the script starts it again), the designer changes a field;
    // the builder's page, cut off meanwhile, must show it without a reload.
    await expect(liveIndicator(designerPage)).toHaveText('Live verbunden', { timeout: 60_000 });
    await fillsIn(designerPage, STOREYS, '3');
    await seesSaved(designerPage, STOREYS, '3');
    await expect(liveIndicator(builderPage)).toHaveText('Live verbunden', { timeout: 60_000 });
    await seesSaved(builderPage, STOREYS, '3');
    await check.staysTheSamePage(builderPage);
    await check.staysTheSamePage(designerPage);
  });

  check.expectNoPageErrors(pageErrors.flat());
  await Promise.all(contexts.map((context) => context.close()));
});
