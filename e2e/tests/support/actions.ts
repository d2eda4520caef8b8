// What the people in the tests do, in their words: "the builder starts a
// room", "the designer uploads the site plan". Each action waits until the
// page shows that it worked, so the next step starts from a settled page.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { expect, request, type Page } from '@playwright/test';

import * as find from './locators';

/** A person with an account (or about to get one). */
export interface Person {
  name: string;
  email: string;
  password: string;
}

/** A file the tests upload: real bytes under the name the user gave them. */
export interface Upload {
  name: string;
  file: string;
  category: string;
}

/** `shared/testdata/real/` beside the repository (read-only, never changed). */
const REAL_FILES = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'testdata', 'real');

export function realFile(name: string): string {
  return path.join(REAL_FILES, name);
}

/** A person with an e-mail address no earlier run has used. */
export function newPerson(name: string, role: string): Person {
  const unique = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  return { name, email: `${role}-${unique}@e2e.example.org`, password: `${role}-Passphrase-${unique}` };
}

export async function fillRegistration(page: Page, person: Person): Promise<void> {
  await expect(find.heading(page, 'Konto anlegen')).toBeVisible();
  await find.field(page, 'Name').fill(person.name);
  await find.field(page, 'E-Mail-Adresse').fill(person.email);
  await find.field(page, 'Passwort').fill(person.password);
  await find.button(page, 'Konto anlegen').click();
}

export async function registers(page: Page, person: Person): Promise<void> {
  await page.goto('/register');
  await fillRegistration(page, person);
  await expect(find.button(page, 'Abmelden')).toBeVisible();
}

export async function logsIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await find.field(page, 'E-Mail-Adresse').fill(email);
  await find.field(page, 'Passwort').fill(password);
  await find.button(page, 'Anmelden').click();
  await expect(find.button(page, 'Abmelden')).toBeVisible();
}

/** At the test sign-on service (e2e/oidc/provider.mjs, in English): logs in
 * under a user name, which is all it asks, at the assurance level it offers
 * first. It then sends the browser back to the case room. */
export async function logsInAtSignOnService(page: Page, userName: string): Promise<void> {
  await expect(find.heading(page, 'Test provider')).toBeVisible();
  await find.field(page, 'User name').fill(userName);
  await find.button(page, 'Log in').click();
}

export async function opensNewRoomForm(page: Page): Promise<void> {
  await find.link(page, 'Neuer Vorgang').click();
  await expect(find.heading(page, 'Neuer Vorgang')).toBeVisible();
  await expect(find.field(page, 'Bauaufsichtsbehörde')).toBeVisible();
}

/** The office scripts/e2e creates, with its caseworker, admin and bodies. */
export const SEEDED_OFFICE = 'Bauaufsicht Testkreis';

/** Fills in and sends the new room form (opening it first from the list),
 * with the named procedure type or else the office's first. */
export async function startsRoom(
  page: Page,
  title: string,
  siteAddress: string,
  procedureType?: string,
): Promise<void> {
  if (!(await find.heading(page, 'Neuer Vorgang').isVisible())) {
    await opensNewRoomForm(page);
  }
  // Offices and procedures are preselected when there is only one of each.
  // The e2e server starts with one office; once the operator's spec has
  // added another, the seeded one is chosen by its name.
  const office = find.field(page, 'Bauaufsichtsbehörde');
  if ((await office.count()) > 0 && (await office.inputValue()) === '') {
    await office.selectOption({ label: SEEDED_OFFICE });
  }
  const procedure = find.field(page, 'Verfahrensart');
  if (procedureType !== undefined) {
    await procedure.selectOption({ label: procedureType });
  } else if ((await procedure.inputValue()) === '') {
    await procedure.selectOption({ index: 1 });
  }
  await find.field(page, 'Vorhaben').fill(title);
  await find.field(page, 'Baugrundstück').fill(siteAddress);
  await find.button(page, 'Vorgang anlegen').click();
  await expect(find.heading(page, title)).toBeVisible();
}

/** Invites someone and answers the link the page shows for passing on. */
export async function invites(page: Page, email: string, role: string): Promise<string> {
  await find.field(page, 'E-Mail-Adresse der eingeladenen Person').fill(email);
  await find.field(page, 'Rolle').selectOption({ label: role });
  await find.button(page, 'Einladen').click();
  await expect(find.invitationLink(page)).toBeVisible();
  return find.invitationLink(page).inputValue();
}

/** Follows an invitation link as someone without an account, registers on
 * the way, and joins the room. */
export async function joinsThroughInvitation(page: Page, link: string, person: Person): Promise<void> {
  // The link names the server's public address; the test may reach the
  // same server under another, so only its path is taken.
  await page.goto(new URL(link).pathname);
  await expect(find.heading(page, 'Einladung in einen Vorgangsraum')).toBeVisible();
  await find.link(page, 'Registrieren und annehmen').click();
  await fillRegistration(page, person);
  await expect(find.heading(page, 'Einladung in einen Vorgangsraum')).toBeVisible();
  await find.button(page, 'Einladung annehmen').click();
  await expect(find.heading(page, 'Beteiligte')).toBeVisible();
}

/** Uploads one file through the room's upload form and waits until the room
 * lists it. The progress bar must have been shown for the file. */
export async function uploads(page: Page, upload: Upload): Promise<void> {
  await find.field(page, /^Art der Bauvorlage/).selectOption({ label: upload.category });
  await find.field(page, 'Dateien').setInputFiles({
    name: upload.name,
    mimeType: 'application/pdf',
    buffer: readFileSync(realFile(upload.file)),
  });
  await find.button(page, 'Hochladen').click();
  await expect(find.uploadProgress(page, upload.name)).toBeVisible();
  await expect(page.getByText(`Hochgeladen: ${upload.name}`, { exact: false }).first()).toBeVisible();
  await expect(find.downloadLink(page, upload.name)).toBeVisible();
}

export async function signs(page: Page): Promise<void> {
  await find.button(page, 'Erklärung unterschreiben').click();
  await expect(find.button(page, 'Unterschrift zurückziehen')).toBeVisible();
}

export async function submitsApplication(page: Page): Promise<void> {
  await find.button(page, 'Antrag einreichen').click();
  await expect(find.roomStatus(page)).toContainText('Eingereicht');
}

export async function opensFromQueue(page: Page, title: string): Promise<void> {
  await expect(find.heading(page, 'Eingang')).toBeVisible();
  await find.queueRow(page, title).getByRole('link', { name: title, exact: true }).click();
  await expect(find.heading(page, title)).toBeVisible();
}

export async function startsCompletenessCheck(page: Page): Promise<void> {
  await find.button(page, 'Vollständigkeitsprüfung beginnen').click();
  await expect(find.roomStatus(page)).toContainText('In Vollständigkeitsprüfung');
}

/** Opens the form of a procedure type from the office admin's page, with
 * the keyboard; the focus lands in its first field. */
export async function opensProcedureType(page: Page, name: string): Promise<void> {
  await find.button(page, `${name} bearbeiten`).focus();
  await page.keyboard.press('Enter');
  await expect(find.field(page, 'Name (deutsch)')).toBeFocused();
}

/** Saves the open procedure type form and waits until the page says so. */
export async function savesProcedureType(page: Page, name: string): Promise<void> {
  await find.button(page, 'Speichern').click();
  await expect(find.announcer(page)).toContainText(`Gespeichert: ${name}`);
  await expect(find.button(page, `${name} bearbeiten`)).toBeFocused();
}

/** The office admin the e2e server is seeded with (scripts/e2e). */
export const officeAdmin = {
  email: process.env.E2E_ADMIN_EMAIL ?? '',
  password: process.env.E2E_ADMIN_PASSWORD ?? '',
};

/** The office admin confirms the person's identity through the API, as after
 * checking their identity card at the office: the office asks for it
 * before submission. The specs about other things do this out of sight;
 * office-admin.spec.ts does it in the page. */
export async function hasIdentityConfirmed(email: string): Promise<void> {
  expect(officeAdmin.email, 'E2E_ADMIN_EMAIL must name the office admin').not.toBe('');
  const api = await request.newContext({
    baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:8080',
    extraHTTPHeaders: { 'X-Requested-With': 'vorgangsraum' },
  });
  try {
    const login = await api.post('/api/auth/login', {
      data: { email: officeAdmin.email, password: officeAdmin.password },
    });
    expect(login.ok(), await login.text()).toBe(true);
    const me = await login.json();
    const office = me.offices.find((o: { role: string }) => o.role === 'office_admin');
    const confirmed = await api.post(`/api/offices/${office.office_id}/identity-confirmations`, {
      data: { email, document_type: 'id_card' },
    });
    expect(confirmed.ok(), await confirmed.text()).toBe(true);
  } finally {
    await api.dispose();
  }
}
