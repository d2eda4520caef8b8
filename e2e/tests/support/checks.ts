// What the tests expect to see, in the words of the person looking.

import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

import * as find from './locators';

const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Collects uncaught errors of the page (a failing wasm start shows only
 * here) and anything the Content-Security-Policy blocked (which shows only
 * on the console); `expectNoPageErrors` fails the test on any. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      errors.push(`${page.url()}: ${message.text()}`);
    }
  });
  return errors;
}

export function expectNoPageErrors(errors: string[]): void {
  expect(errors, 'errors thrown in the page').toEqual([]);
}

/** axe-core finds nothing against WCAG 2.1 A and AA on the page as it is. */
export async function passesAccessibilityCheck(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  const found = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    where: v.nodes.map((n) => n.target.join(' ')),
  }));
  expect(found, `accessibility violations on ${what}`).toEqual([]);
}

/** Marks the page as it is now, so `staysTheSamePage` can tell that no
 * reload happened since. */
export async function keepsPageOpen(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { openAllAlong?: boolean }).openAllAlong = true;
  });
}

export async function staysTheSamePage(page: Page): Promise<void> {
  const mark = await page.evaluate(() => (window as unknown as { openAllAlong?: boolean }).openAllAlong);
  expect(mark, 'the page was not reloaded').toBe(true);
}

/** The document shows up in a page that was open all along (marked with
 * `keepsPageOpen` before the upload), and the live region says so. */
export async function seesDocumentAppear(page: Page, fileName: string, uploader: string): Promise<void> {
  await expect(find.downloadLink(page, fileName)).toBeVisible({ timeout: 15_000 });
  await expect(find.announcer(page)).toContainText(`Neues Dokument: ${fileName} von ${uploader}`);
  await staysTheSamePage(page);
}

export async function seesStatus(page: Page, status: string): Promise<void> {
  await expect(find.roomStatus(page)).toContainText(status, { timeout: 15_000 });
}

export async function seesSignatureOf(page: Page, name: string): Promise<void> {
  await expect(find.signaturesSection(page)).toContainText(`${name} (`, { timeout: 15_000 });
}

export async function seesMember(page: Page, name: string): Promise<void> {
  await expect(find.membersSection(page)).toContainText(name, { timeout: 15_000 });
}
