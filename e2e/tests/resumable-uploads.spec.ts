// A plan set dropped onto the room at once, over a line that breaks: the
// files go up in chunks, the page says when the connection is gone, and the
// upload goes on from where it stood once the line is back. A paused file
// waits until it is resumed. What arrives equals what was sent.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { expect, test, type Page } from '@playwright/test';

import * as act from './support/actions';
import * as check from './support/checks';
import * as find from './support/locators';

const planSet = [
  { name: 'Modell Haus.ifc', file: 'ifc2x3_archicad20_fzkhaus.ifc', type: 'application/octet-stream' },
  { name: 'Wände Erdgeschoss.dwg', file: 'dwg_ac1032_aec_walls.dwg', type: '' },
  { name: 'Grundriss Übersicht.pdf', file: 'plan_site_landscape_archD.pdf', type: 'application/pdf' },
].map((f) => ({ ...f, bytes: readFileSync(act.realFile(f.file)) }));

/** Drops `files` onto the upload form's drop area, as a file manager would. */
async function dropsFiles(page: Page, files: typeof planSet): Promise<void> {
  const payload = files.map((f) => ({
    name: f.name,
    type: f.type,
    base64: f.bytes.toString('base64'),
  }));
  const dataTransfer = await page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name, { type: item.type }));
    }
    return transfer;
  }, payload);
  const area = page.getByTestId('dropzone');
  await area.dispatchEvent('dragenter', { dataTransfer });
  await area.dispatchEvent('drop', { dataTransfer });
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

test('a dropped plan set survives a broken connection and a pause, byte for byte', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = check.watchPageErrors(page);
  await act.registers(page, act.newPerson('Rita Resume', 'builder'));
  await act.startsRoom(page, `Reihenhaus ${Date.now()}`, 'Lange Reihe 5, 17489 Greifswald');

  // 2.5 MB of IFC at 200 kB/s: about thirteen seconds, ten chunks.
  const cdp = await page.context().newCDPSession(page);
  const throttle = (uploadThroughput: number) =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput,
    });
  await throttle(200 * 1024);
  // Every chunk sent, and every one the broken line cut off.
  const chunks: string[] = [];
  const cutOff: string[] = [];
  page.on('request', (r) => r.method() === 'PATCH' && chunks.push(r.url()));
  page.on('requestfailed', (r) => r.method() === 'PATCH' && cutOff.push(r.url()));
  await find.field(page, /^Art der Bauvorlage/).selectOption({ label: 'Grundrisse' });
  await dropsFiles(page, planSet);
  const [model, drawing, overview] = planSet;

  // The drawing is held back while it waits; the others go past it.
  await find.button(page, `Hochladen von ${drawing.name} anhalten`).click();

  const progress = find.uploadProgress(page, model.name);
  await expect(progress).toBeVisible();
  // Every dropped file has its own row.
  for (const file of planSet) {
    await expect(find.uploadProgress(page, file.name)).toBeVisible();
  }
  await expect(page.getByText(/\/s – noch etwa/)).toBeVisible();

  await test.step('the line breaks in the middle and comes back', async () => {
    await expect
      .poll(async () => Number(await progress.getAttribute('value')), { timeout: 30_000 })
      .toBeGreaterThan(500_000);
    await page.context().setOffline(true);
    await expect(page.getByText(/^Verbindung unterbrochen/).first()).toBeVisible();
    await check.passesAccessibilityCheck(page, 'the room with an upload waiting for the line');
    const whenBroken = Number(await progress.getAttribute('value'));
    expect(whenBroken).toBeLessThan(model.bytes.length);
    await expect.poll(() => cutOff.length, { message: 'a chunk was cut off' }).toBeGreaterThan(0);
    await page.context().setOffline(false);
    await throttle(200 * 1024);
    await expect(find.downloadLink(page, model.name)).toBeVisible({ timeout: 60_000 });
    await expect(find.downloadLink(page, overview.name)).toBeVisible({ timeout: 60_000 });
  });

  await test.step('the paused drawing goes up once resumed', async () => {
    await expect(page.getByText('angehalten', { exact: true })).toBeVisible();
    await expect(find.downloadLink(page, drawing.name)).toHaveCount(0);
    await find.button(page, `Hochladen von ${drawing.name} fortsetzen`).click();
    await expect(find.downloadLink(page, drawing.name)).toBeVisible({ timeout: 60_000 });
  });

  // No file started over: each upload sent its first chunk once.
  const firstChunks = chunks.filter((url) => url.endsWith('?offset=0'));
  expect(firstChunks).toHaveLength(planSet.length);
  expect(new Set(firstChunks).size).toBe(planSet.length);
  expect(chunks.length).toBeGreaterThan(10);

  await throttle(-1);
  for (const file of planSet) {
    const href = await find.downloadLink(page, file.name).getAttribute('href');
    const answer = await page.request.get(href ?? '');
    expect(answer.status()).toBe(200);
    expect(sha256(await answer.body()), `${file.name} arrived unchanged`).toBe(sha256(file.bytes));
  }
  // The PDF can be looked at in the browser without saving it.
  await expect(find.link(page, `${overview.name} im Browser ansehen (neuer Tab)`)).toBeVisible();
  await check.passesAccessibilityCheck(page, 'the room with the plan set and its previews');
  check.expectNoPageErrors(errors);
});
