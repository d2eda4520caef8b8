// A plan set over a slow line: the progress bar says how far it got, and a
// file can be cancelled without leaving anything behind.

import { readFileSync } from 'node:fs';

import { expect, test } from '@playwright/test';

import * as act from './support/actions';
import * as check from './support/checks';
import * as find from './support/locators';

const sitePlan = {
  name: 'Lageplan Müller-Straße.pdf',
  mimeType: 'application/pdf',
  buffer: readFileSync(act.realFile('plan_site_landscape_archD.pdf')),
};

test('the builder watches an upload progress, cancels it, and sends it again', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = check.watchPageErrors(page);
  await act.registers(page, act.newPerson('Bruno Bauherr', 'builder'));
  await act.startsRoom(page, `Carport ${Date.now()}`, 'Am Markt 1, 17489 Greifswald');

  // About 250 kB at 20 kB/s: long enough to see the bar move and to cancel.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 20 * 1024,
  });
  await find.field(page, /^Art der Bauvorlage/).selectOption({ label: 'Lageplan' });
  await find.field(page, 'Dateien').setInputFiles(sitePlan);
  await find.button(page, 'Hochladen').click();

  const progress = find.uploadProgress(page, sitePlan.name);
  await expect(progress).toBeVisible();
  await expect(page.getByText(/^\d+ % – .+ von 253,8 kB$/)).toBeVisible();
  await check.passesAccessibilityCheck(page, 'the room during an upload');
  await find.button(page, `Hochladen von ${sitePlan.name} abbrechen`).click();
  await expect(page.getByText('Abgebrochen – nichts wurde gespeichert.')).toBeVisible();
  await expect(find.downloadLink(page, sitePlan.name)).toHaveCount(0);

  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  await find.field(page, 'Dateien').setInputFiles(sitePlan);
  await find.button(page, 'Hochladen').click();
  await expect(find.downloadLink(page, sitePlan.name)).toBeVisible();
  await expect(progress.last()).toHaveAttribute('value', String(sitePlan.buffer.length));
  check.expectNoPageErrors(errors);
});
