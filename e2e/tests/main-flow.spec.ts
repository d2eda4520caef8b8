// The main flow of a building permit application, with the three people it
// takes, each in a browser of their own: the builder starts the room and
// invites the designer, both upload documents and sign, the builder submits,
// and the caseworker finds the application in the inbox and starts the
// completeness check. Pages that stay open must follow along live.

import { expect, test, type BrowserContext, type Page } from '@playwright/test';

import * as act from './support/actions';
import * as check from './support/checks';
import * as find from './support/locators';

const caseworker = {
  email: process.env.E2E_CASEWORKER_EMAIL ?? '',
  password: process.env.E2E_CASEWORKER_PASSWORD ?? '',
};

const sitePlan: act.Upload = {
  name: 'Lageplan Müller-Straße.pdf',
  file: 'plan_site_landscape_archD.pdf',
  category: 'Lageplan',
};

const buildingDescription: act.Upload = {
  name: 'Baubeschreibung.pdf',
  file: 'pdfa2b_verapdf.pdf',
  category: 'Baubeschreibung',
};

test('builder, designer and caseworker take an application from draft to the completeness check', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  expect(caseworker.email, 'E2E_CASEWORKER_EMAIL must name the caseworker').not.toBe('');

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
  const caseworkerPage = await open();
  const builder = act.newPerson('Bruno Bauherr', 'builder');
  const designer = act.newPerson('Dana Designer', 'designer');
  const title = `Einfamilienhaus mit Garage ${Date.now()}`;

  await test.step('the builder registers and starts a room', async () => {
    await builderPage.goto('/register');
    await check.passesAccessibilityCheck(builderPage, 'the registration page');
    await act.registers(builderPage, builder);
    await check.passesAccessibilityCheck(builderPage, 'my rooms');
    await act.opensNewRoomForm(builderPage);
    await check.passesAccessibilityCheck(builderPage, 'the new room form');
    await act.startsRoom(builderPage, title, 'Müller-Straße 12, 17489 Greifswald');
    await check.seesStatus(builderPage, 'Entwurf');
    await check.passesAccessibilityCheck(builderPage, 'the new room');
  });

  let link = '';
  await test.step('the builder invites the designer and takes the link shown', async () => {
    link = await act.invites(builderPage, designer.email, 'Entwurfsverfasser/in');
    expect(link).toContain('/invitations/');
    await check.passesAccessibilityCheck(builderPage, 'the room with the invitation link');
  });

  await test.step('the designer registers through the link and joins the room', async () => {
    await designerPage.goto(new URL(link).pathname);
    await check.passesAccessibilityCheck(designerPage, 'the invitation page');
    await act.joinsThroughInvitation(designerPage, link, designer);
    await expect(find.heading(designerPage, title)).toBeVisible();
    await check.seesMember(builderPage, designer.name);
  });

  await test.step('the builder uploads the building description', async () => {
    await act.uploads(builderPage, buildingDescription);
    await check.passesAccessibilityCheck(builderPage, 'the room after an upload');
  });

  await test.step('the designer uploads the site plan and the builder sees it appear', async () => {
    await check.keepsPageOpen(builderPage);
    await act.uploads(designerPage, sitePlan);
    await check.seesDocumentAppear(builderPage, sitePlan.name, designer.name);
    await check.passesAccessibilityCheck(designerPage, 'the room of the designer');
  });

  await test.step('both sign and the builder submits', async () => {
    await act.signs(designerPage);
    await check.seesSignatureOf(builderPage, designer.name);
    await act.signs(builderPage);
    // The office asks for a confirmed identity before submitting: the room
    // says so, and how, where the button would be.
    await expect(builderPage.getByRole('note')).toContainText(
      'Dieses Bauamt verlangt vor dem Einreichen eine bestätigte Identität.',
    );
    await expect(find.button(builderPage, 'Antrag einreichen')).toHaveCount(0);
    await check.passesAccessibilityCheck(builderPage, 'the room asking for a confirmed identity');
    await act.hasIdentityConfirmed(builder.email);
    // Back from the office, the builder reloads the room; from here on the
    // page stays open and follows the room live.
    await builderPage.reload();
    await check.keepsPageOpen(builderPage);
    await act.submitsApplication(builderPage);
    await check.seesStatus(designerPage, 'Eingereicht');
  });

  await test.step('the caseworker finds the application in the inbox and starts the check', async () => {
    await act.logsIn(caseworkerPage, caseworker.email, caseworker.password);
    await expect(find.heading(caseworkerPage, 'Eingang')).toBeVisible();
    await check.passesAccessibilityCheck(caseworkerPage, 'the inbox');
    await act.opensFromQueue(caseworkerPage, title);
    await check.passesAccessibilityCheck(caseworkerPage, 'the room for the caseworker');
    await act.startsCompletenessCheck(caseworkerPage);
  });

  await test.step('the builder sees the status change live', async () => {
    await check.seesStatus(builderPage, 'In Vollständigkeitsprüfung');
    await check.staysTheSamePage(builderPage);
    await expect(find.announcer(builderPage)).toContainText('Neuer Status: In Vollständigkeitsprüfung');
  });

  check.expectNoPageErrors(pageErrors.flat());
  await Promise.all(contexts.map((context) => context.close()));
});
