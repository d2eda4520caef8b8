// Messages in a room. The caseworker writes an internal note and a message
// to the whole room that mentions the builder; the builder, whose room was
// open all along, sees the message appear with an unread badge and never
// the note, opens it, and the badge goes.
//
// The application itself is filed through the API (the other specs walk
// through those forms): the browsers here are about messages.

import { readFileSync } from 'node:fs';

import { expect, test, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';

import * as act from './support/actions';
import * as check from './support/checks';
import * as find from './support/locators';

const caseworker = {
  email: process.env.E2E_CASEWORKER_EMAIL ?? '',
  password: process.env.E2E_CASEWORKER_PASSWORD ?? '',
};

const CSRF = { 'X-Requested-With': 'vorgangsraum' };

/** A state-changing API call that must succeed; its JSON answer. */
async function call(api: APIRequestContext, path: string, data?: unknown): Promise<any> {
  const response = await api.post(path, { headers: CSRF, data });
  expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
  return response.json();
}

/** The builder and the designer file a signed application through the API;
 * the room's id. */
async function submittedRoom(
  builder: APIRequestContext,
  designer: APIRequestContext,
  designerPerson: act.Person,
  title: string,
): Promise<string> {
  const offices = await (await builder.get('/api/offices')).json();
  const office = offices.find((o: { name: string }) => o.name === act.SEEDED_OFFICE);
  const room = await call(builder, '/api/rooms', {
    office_id: office.id,
    procedure_type_id: office.procedure_types[0].id,
    title,
    site_address: 'Hafenstraße 1, 17489 Greifswald',
  });
  await call(designer, '/api/auth/register', {
    email: designerPerson.email,
    password: designerPerson.password,
    display_name: designerPerson.name,
  });
  const invitation = await call(builder, `/api/rooms/${room.id}/invitations`, {
    email: designerPerson.email,
    role: 'designer',
  });
  const token = invitation.link.split('/').pop();
  await call(designer, `/api/invitations/${token}/accept`);
  const upload = await builder.post(
    `/api/rooms/${room.id}/documents?category=site_plan&file_name=Lageplan.pdf`,
    { headers: CSRF, data: readFileSync(act.realFile('pdfa2b_verapdf.pdf')) },
  );
  expect(upload.status(), await upload.text()).toBe(201);
  await call(builder, `/api/rooms/${room.id}/signature`);
  await call(designer, `/api/rooms/${room.id}/signature`);
  const me = await (await builder.get('/api/me')).json();
  await act.hasIdentityConfirmed(me.email);
  await call(builder, `/api/rooms/${room.id}/submit`);
  return room.id;
}

/** The room's section of messages. */
const messagesSection = (page: Page) => page.getByRole('region', { name: /^Nachrichten/ });

/** A thread's button in the list, by its subject. */
const threadButton = (page: Page, subject: string) =>
  messagesSection(page).getByRole('button', { name: new RegExp(`^${subject}`) });

/** Starts a thread through the form; waits until the page says so. */
async function startsThread(
  page: Page,
  who: string,
  subject: string,
  text: string,
  mention?: string,
): Promise<void> {
  const section = messagesSection(page);
  await find.field(page, 'Wer liest mit').selectOption({ label: who });
  await find.field(page, 'Betreff').fill(subject);
  await find.field(page, 'Nachricht').fill(text);
  if (mention !== undefined) {
    await section.getByLabel(new RegExp(`^${mention} \\(`)).check();
  }
  await find.button(page, 'Gespräch beginnen').click();
  await expect(find.announcer(page)).toHaveText('Das Gespräch wurde begonnen.');
  await expect(threadButton(page, subject)).toBeVisible();
}

test('the caseworker writes a note and a message; the builder sees only the message, live', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  expect(caseworker.email, 'E2E_CASEWORKER_EMAIL must be set').not.toBe('');
  const contexts: BrowserContext[] = [];
  const errors: string[][] = [];
  const open = async (): Promise<Page> => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    errors.push(check.watchPageErrors(page));
    return page;
  };
  const builderPage = await open();
  const office = await open();
  const designerContext = await browser.newContext();
  contexts.push(designerContext);
  const builder = act.newPerson('Berta Bauherrin', 'builder');
  const designer = act.newPerson('Dieter Entwurf', 'designer');
  const title = `Haus am Hafen ${Date.now()}`;
  const note = 'Statik extern prüfen lassen';
  const question = 'Rückfrage zur Zufahrt';

  let roomId = '';
  await test.step('the builder files an application and keeps the room open', async () => {
    await act.registers(builderPage, builder);
    roomId = await submittedRoom(builderPage.request, designerContext.request, designer, title);
    await builderPage.goto(`/rooms/${roomId}`);
    await expect(find.heading(builderPage, title)).toBeVisible();
    await expect(messagesSection(builderPage)).toContainText('Noch keine Nachrichten.');
    await check.keepsPageOpen(builderPage);
  });

  await test.step('the caseworker writes an internal note and a message to the room', async () => {
    await act.logsIn(office, caseworker.email, caseworker.password);
    await office.goto(`/rooms/${roomId}`);
    await expect(find.heading(office, title)).toBeVisible();
    await startsThread(
      office,
      'nur Bauaufsichtsbehörde (interne Notiz)',
      'Interne Notiz',
      note,
    );
    await startsThread(
      office,
      'ganzer Vorgangsraum',
      question,
      'Wie breit ist die Zufahrt zum Grundstück?',
      builder.name,
    );
    await check.passesAccessibilityCheck(office, 'the messages of the office');
  });

  await test.step('the builder sees the message appear with an unread badge', async () => {
    const thread = threadButton(builderPage, question);
    await expect(thread).toBeVisible({ timeout: 15_000 });
    await expect(thread).toContainText('1 ungelesen');
    await expect(find.heading(builderPage, /^Nachrichten/)).toContainText('1 ungelesen');
    await expect(messagesSection(builderPage)).not.toContainText('Interne Notiz');
    await expect(builderPage.getByText(note)).toHaveCount(0);
    await check.staysTheSamePage(builderPage);
    await check.passesAccessibilityCheck(builderPage, 'the messages with an unread one');
  });

  await test.step('the builder opens it with the keyboard; it is read', async () => {
    const thread = threadButton(builderPage, question);
    await thread.focus();
    await builderPage.keyboard.press('Enter');
    await expect(thread).toHaveAttribute('aria-expanded', 'true');
    await expect(messagesSection(builderPage)).toContainText('Wie breit ist die Zufahrt');
    await expect(messagesSection(builderPage)).toContainText(`Erwähnt: ${builder.name}`);
    await expect(thread).not.toContainText('ungelesen');
    await expect(thread).toBeFocused();
    await check.passesAccessibilityCheck(builderPage, 'an open thread');
    // Nor does the note show after a reload.
    await builderPage.reload();
    await expect(threadButton(builderPage, question)).toBeVisible();
    await expect(messagesSection(builderPage)).not.toContainText('Interne Notiz');
  });

  for (const pageErrors of errors) {
    check.expectNoPageErrors(pageErrors);
  }
  for (const context of contexts) {
    await context.close();
  }
});
