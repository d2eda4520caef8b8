// A complete procedure, each party in a browser of its own: submission,
// missing items asked for and supplied, the application complete, two
// consulted bodies asked. The fire service answers with two conditions and
// a plan attached; released, the builder sees both. The municipality lets
// its two months pass, so its consent counts as given. The caseworker
// approves with the fire service's conditions and a fee, the builder
// retrieves the notice (its delivery), the fee is recorded as paid, and the
// caseworker closes the room.
//
// Two months cannot pass in a test: the municipality's request is moved
// back in the server's database instead, as the API tests do.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { expect, test, type BrowserContext, type Page } from '@playwright/test';

import * as act from './support/actions';
import * as check from './support/checks';
import * as find from './support/locators';

const account = (name: string) => ({
  email: process.env[`E2E_${name}_EMAIL`] ?? '',
  password: process.env[`E2E_${name}_PASSWORD`] ?? '',
});
const caseworker = account('CASEWORKER');
const fireService = account('FIRE');

const conditions = [
  'Die Feuerwehrzufahrt ist dauerhaft freizuhalten.',
  'In allen Aufenthaltsräumen sind Rauchwarnmelder einzubauen.',
];

/** Moves the start of every open request to the municipality back by `days`. */
function daysPassForTheMunicipality(days: number): void {
  const database = process.env.E2E_DATABASE ?? '';
  expect(database, 'E2E_DATABASE must name the server database').not.toBe('');
  const script = `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
db.execute("""UPDATE statement_requests SET requested_at = requested_at - ?
  WHERE status NOT IN ('answered', 'withdrawn')
  AND body_id IN (SELECT id FROM bodies WHERE key = 'municipality')""", (int(sys.argv[2]),))
db.commit()
`;
  execFileSync('python3', ['-c', script, database, String(days * 24 * 3600 * 1000)]);
}

test('a procedure runs from submission to the delivered notice and the closed room', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  expect(fireService.email, 'E2E_FIRE_EMAIL must name a fire service member').not.toBe('');

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
  const office = await open();
  const fire = await open();
  const builder = act.newPerson('Berta Bauherrin', 'builder');
  const designer = act.newPerson('Dieter Entwurf', 'designer');
  const title = `Wohnhaus am Deich ${Date.now()}`;

  await test.step('the builder and the designer submit an application', async () => {
    await act.registers(builderPage, builder);
    await act.startsRoom(builderPage, title, 'Deichstraße 3, 17493 Greifswald');
    const link = await act.invites(builderPage, designer.email, 'Entwurfsverfasser/in');
    await act.joinsThroughInvitation(designerPage, link, designer);
    await act.uploads(builderPage, {
      name: 'Lageplan.pdf',
      file: 'plan_site_landscape_archD.pdf',
      category: 'Lageplan',
    });
    await act.signs(designerPage);
    await check.seesSignatureOf(builderPage, designer.name);
    await act.signs(builderPage);
    await act.hasIdentityConfirmed(builder.email);
    // Back from the office, the builder reloads the room to submit.
    await builderPage.reload();
    await act.submitsApplication(builderPage);
  });

  await test.step('the caseworker starts the check and asks for missing items', async () => {
    await act.logsIn(office, caseworker.email, caseworker.password);
    await act.opensFromQueue(office, title);
    await act.startsCompletenessCheck(office);
    await expect(find.heading(office, 'Fristen')).toBeVisible();
    await find.field(office, 'Grundrisse').check();
    await find.field(office, 'Weitere fehlende oder mangelhafte Unterlagen (eine je Zeile)').fill(
      'Abstandsflächen im Lageplan eintragen',
    );
    await check.passesAccessibilityCheck(office, 'the completeness check');
    await find.button(office, 'Nachforderung senden').click();
    await check.seesStatus(office, 'Nachforderung offen');
  });

  await test.step('the builder sees what is missing, supplies it and resubmits', async () => {
    await check.seesStatus(builderPage, 'Nachforderung offen');
    const request = find.heading(builderPage, 'Das Bauamt benötigt noch Folgendes');
    await expect(request).toBeVisible();
    await expect(builderPage.getByText('Abstandsflächen im Lageplan eintragen')).toBeVisible();
    await check.passesAccessibilityCheck(builderPage, 'the request for missing items');
    await act.uploads(builderPage, {
      name: 'Grundrisse.pdf',
      file: 'pdfa2b_verapdf.pdf',
      category: 'Grundrisse',
    });
    await find.button(builderPage, 'Antrag erneut einreichen').click();
    await check.seesStatus(builderPage, 'In Vollständigkeitsprüfung');
  });

  await test.step('the caseworker finds it complete and asks two bodies', async () => {
    await check.seesStatus(office, 'In Vollständigkeitsprüfung');
    await find.button(office, 'Antrag vollständig: Prüfung beginnen').click();
    await check.seesStatus(office, 'In Prüfung');
    await find.field(office, 'Brandschutzdienststelle').check();
    await find.field(office, 'Gemeinde (Einvernehmen nach § 36 BauGB)').check();
    await find.field(office, 'Lageplan: Lageplan.pdf').check();
    await find.field(office, 'Frage').fill('Bestehen Bedenken gegen das Vorhaben?');
    await check.passesAccessibilityCheck(office, 'the form to ask bodies');
    await find.button(office, 'Anfragen senden').click();
    await expect(find.heading(office, 'Brandschutzdienststelle')).toBeVisible();
    await expect(find.heading(office, 'Gemeinde (Einvernehmen nach § 36 BauGB)')).toBeVisible();
  });

  await test.step('the fire service answers with two conditions', async () => {
    await act.logsIn(fire, fireService.email, fireService.password);
    await fire.goto('/inbox');
    await expect(find.heading(fire, 'Anfragen zur Stellungnahme')).toBeVisible();
    await check.passesAccessibilityCheck(fire, 'the inbox of the fire service');
    // The inbox names the application by case number and title.
    await fire.getByRole('link', { name: new RegExp(title) }).click();
    await expect(find.heading(fire, title)).toBeVisible();
    // It sees its own request only, and the plan shared with it.
    await expect(find.heading(fire, 'Gemeinde (Einvernehmen nach § 36 BauGB)')).toHaveCount(0);
    await expect(find.downloadLink(fire, 'Lageplan.pdf')).toBeVisible();
    await expect(find.downloadLink(fire, 'Grundrisse.pdf')).toHaveCount(0);
    await find.field(fire, 'Votum').selectOption({ label: 'Zustimmung mit Auflagen' });
    await find.field(fire, 'Stellungnahme (bei Bedenken: die Gründe)').fill(
      'Aus Sicht des Brandschutzes bestehen keine Bedenken, wenn die Auflagen erfüllt werden.',
    );
    await find.field(fire, 'Auflagen (eine je Zeile)').fill(conditions.join('\n'));
    await find.field(fire, 'Anlagen (optional)').setInputFiles({
      name: 'Feuerwehrplan Aufstellfläche.pdf',
      mimeType: 'application/pdf',
      buffer: readFileSync(act.realFile('pdfa3b_attachment_verapdf.pdf')),
    });
    await check.passesAccessibilityCheck(fire, 'the statement form');
    await find.button(fire, 'Stellungnahme abgeben').click();
    await expect(fire.getByText(conditions[0])).toBeVisible();
    await expect(find.link(fire, 'Feuerwehrplan Aufstellfläche.pdf')).toBeVisible();
  });

  await test.step('released, the statement and its attachment reach the builder', async () => {
    await expect(find.link(builderPage, 'Feuerwehrplan Aufstellfläche.pdf')).toHaveCount(0);
    const fireRequest = office.getByRole('listitem').filter({
      has: find.heading(office, 'Brandschutzdienststelle'),
    });
    await fireRequest.getByRole('button', { name: 'Stellungnahme den Antragstellern zeigen' }).click();
    await expect(find.link(builderPage, 'Feuerwehrplan Aufstellfläche.pdf')).toBeVisible();
    await expect(builderPage.getByText(conditions[1])).toBeVisible();
  });

  await test.step('the municipality lets its deadline pass: overdue, consent deemed given', async () => {
    daysPassForTheMunicipality(70);
    await office.reload();
    const municipality = office.getByRole('listitem').filter({
      has: find.heading(office, 'Gemeinde (Einvernehmen nach § 36 BauGB)'),
    });
    await expect(municipality.getByText('überfällig', { exact: true })).toBeVisible();
    await expect(municipality.getByText(/gilt als erteilt/)).toBeVisible();
    // The timeline holds the steps taken and the missed deadline, all before today.
    const timeline = office.getByRole('region', { name: 'Fristen und Verlauf' });
    const entries = timeline.getByRole('listitem');
    await expect(entries.filter({ hasText: 'Neuer Status: In Prüfung' })).toHaveCount(1);
    await expect(entries.last()).toContainText('Heute');
    await expect(
      timeline.getByRole('listitem').filter({ hasText: 'Einvernehmen von Gemeinde' }),
    ).toContainText('überschritten');
  });

  await test.step('the caseworker approves with the conditions traced to the statement', async () => {
    await find.field(office, /^Art der Bauvorlage/).selectOption({ label: 'Bescheid' });
    await find.field(office, 'Dateien').setInputFiles({
      name: 'Baugenehmigung.pdf',
      mimeType: 'application/pdf',
      buffer: readFileSync(act.realFile('pdfa2b_verapdf.pdf')),
    });
    await find.button(office, 'Hochladen').click();
    await expect(find.downloadLink(office, 'Baugenehmigung.pdf')).toBeVisible();
    await find.field(office, /^Art der Bauvorlage/).selectOption({ label: 'Gebührenbescheid' });
    await find.field(office, 'Dateien').setInputFiles({
      name: 'Gebührenbescheid.pdf',
      mimeType: 'application/pdf',
      buffer: readFileSync(act.realFile('pdfa2b_verapdf.pdf')),
    });
    await find.button(office, 'Hochladen').click();
    await expect(find.downloadLink(office, 'Gebührenbescheid.pdf')).toBeVisible();
    await find.field(office, 'Gebühr in Euro (optional)').fill('480,00');
    await find.field(office, 'Gebührenbescheid').selectOption({ label: 'Gebührenbescheid.pdf' });
    await find.field(office, 'Ergebnis').selectOption({ label: 'genehmigt mit Nebenbestimmungen' });
    for (const condition of conditions) {
      await office.getByRole('checkbox', { name: new RegExp(condition) }).check();
    }
    await check.passesAccessibilityCheck(office, 'the decision form');
    await find.button(office, 'Entscheidung festhalten und Bescheid freigeben').click();
    await check.seesStatus(office, 'Entschieden');
    const decision = office.getByRole('region', { name: 'Entscheidung', exact: true });
    await expect(decision.getByText('aus der Stellungnahme von Brandschutzdienststelle')).toHaveCount(2);
  });

  await test.step('the designer, not confirmed, is told how to get the notice', async () => {
    await check.seesStatus(designerPage, 'Entschieden');
    const decision = designerPage.getByRole('region', { name: 'Entscheidung', exact: true });
    await expect(decision.getByRole('note')).toContainText(
      'Dieses Bauamt gibt den Bescheid nur mit bestätigter Identität heraus.',
    );
    await expect(find.link(designerPage, 'Bescheid öffnen')).toHaveCount(0);
    await expect(decision.getByText('Gebührenbescheid.pdf')).toBeVisible();
    await expect(decision.getByRole('link', { name: 'Gebührenbescheid.pdf' })).toHaveCount(0);
    // Nor does the list of documents offer the notices for download.
    await expect(find.downloadLink(designerPage, 'Baugenehmigung.pdf')).toHaveCount(0);
    await expect(designerPage.getByText('nur mit bestätigter Identität').first()).toBeVisible();
    await check.passesAccessibilityCheck(designerPage, 'the decision withheld from the designer');
  });

  await test.step('the builder retrieves the notice, which records its delivery', async () => {
    await check.seesStatus(builderPage, 'Entschieden');
    await check.passesAccessibilityCheck(builderPage, 'the decision for the builder');
    await expect(find.downloadLink(builderPage, 'Baugenehmigung.pdf')).toBeVisible();
    const download = builderPage.waitForEvent('download');
    await find.link(builderPage, 'Bescheid öffnen').click();
    await download;
    await check.seesStatus(builderPage, 'Bescheid zugestellt');
    await expect(builderPage.getByText(/Tag der Bekanntgabe/)).toBeVisible();
  });

  await test.step('the caseworker records the fee as paid and closes the room', async () => {
    await check.seesStatus(office, 'Bescheid zugestellt');
    await find.button(office, 'Gebühr als bezahlt vermerken').click();
    await expect(find.button(office, 'Gebühr wieder als offen vermerken')).toBeVisible();
    await expect(builderPage.getByText(/\(bezahlt\)/)).toBeVisible();
    await find.button(office, 'Vorgang abschließen').click();
    await check.seesStatus(office, 'Abgeschlossen');
    await check.seesStatus(designerPage, 'Abgeschlossen');
  });

  await test.step('the caseworker exports the record, readable without this software', async () => {
    const download = office.waitForEvent('download');
    await find.link(office, 'Akte exportieren (ZIP)').click();
    const archive = await (await download).path();
    const folder = mkdtempSync(join(tmpdir(), 'akte-'));
    // Unpacked and checked against its manifest with Python's own zipfile.
    const checked = execFileSync('python3', [
      '-c',
      `
import hashlib, json, sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
manifest = json.load(open(sys.argv[2] + "/manifest.json"))
for entry in manifest:
    data = open(sys.argv[2] + "/" + entry["path"], "rb").read()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
print(len(manifest))
`,
      archive,
      folder,
    ]).toString();
    expect(Number(checked)).toBeGreaterThan(5);
    const reader = await open();
    await reader.goto(pathToFileURL(join(folder, 'index.html')).href);
    await expect(find.heading(reader, title)).toBeVisible();
    await expect(reader.getByRole('link', { name: 'Baugenehmigung.pdf' })).toBeVisible();
    await check.passesAccessibilityCheck(reader, 'the exported record');
  });

  await test.step('the builder filters the history by kind and by person', async () => {
    const history = builderPage.getByRole('region', { name: 'Verlauf', exact: true });
    await find.field(builderPage, 'Art der Einträge').selectOption({ label: 'Unterschriften' });
    const entries = history.getByRole('listitem');
    await expect(entries.first()).toBeVisible();
    for (const entry of await entries.all()) {
      await expect(entry).toContainText('Erklärung unterschrieben');
    }
    await find.field(builderPage, 'Von').selectOption({ label: designer.name });
    await expect(entries).toHaveCount(1);
    await expect(entries.first()).toContainText(`${designer.name} hat die Erklärung unterschrieben`);
    await check.passesAccessibilityCheck(builderPage, 'the filtered history');
  });

  check.expectNoPageErrors(pageErrors.flat());
  await Promise.all(contexts.map((context) => context.close()));
});
