// Where things are on the pages, found the way a person finds them: by
// their role and their (German) name. Nothing here knows about CSS classes
// or ids, so the tests survive any restyling that keeps the page usable.

import type { Locator, Page } from '@playwright/test';

export const field = (page: Page, label: string | RegExp): Locator =>
  page.getByLabel(label, { exact: typeof label === 'string' });

export const button = (page: Page, name: string | RegExp): Locator =>
  page.getByRole('button', { name, exact: typeof name === 'string' });

export const link = (page: Page, name: string | RegExp): Locator =>
  page.getByRole('link', { name, exact: typeof name === 'string' });

export const heading = (page: Page, name: string | RegExp): Locator =>
  page.getByRole('heading', { name });

export const main = (page: Page): Locator => page.getByRole('main');

/** The polite live region that says what changed without a reload. It is
 * visually hidden, so tests read its text rather than its visibility. */
export const announcer = (page: Page): Locator => page.locator('[aria-live="polite"]');

export const invitationLink = (page: Page): Locator => field(page, 'Einladungslink');

export const uploadProgress = (page: Page, fileName: string): Locator =>
  page.getByRole('progressbar', { name: `Hochladen von ${fileName}` });

export const documentsSection = (page: Page): Locator =>
  page.getByRole('region', { name: 'Bauvorlagen', exact: true });

export const downloadLink = (page: Page, fileName: string): Locator =>
  documentsSection(page).getByRole('link', { name: fileName, exact: true });

/** The room's status as its badge shows it, next to the word "Status". */
export const roomStatus = (page: Page): Locator => page.locator('.status-line');

export const membersSection = (page: Page): Locator =>
  page.getByRole('region', { name: 'Beteiligte', exact: true });

export const signaturesSection = (page: Page): Locator =>
  page.getByRole('region', { name: 'Erklärung und Unterschriften' });

export const queueRow = (page: Page, title: string): Locator =>
  page.getByRole('row').filter({ has: page.getByRole('link', { name: title, exact: true }) });

/** A procedure type's card on the office admin's page, named by its name. */
export const procedureType = (page: Page, name: string): Locator =>
  page.getByRole('region', { name, exact: true });
