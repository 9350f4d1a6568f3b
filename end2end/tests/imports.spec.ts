import { expect, Page, test } from '@playwright/test';
import * as fs from 'node:fs';
import { openBoard } from './helpers';

// The demo imports yesterday's drop (rows with known defects, so it succeeds with rejected
// rows) and an incomplete drop (no probe_steps file, so it fails at the check stage).

async function openImports(page: Page, username: 'support' | 'admin') {
  await openBoard(page, username);
  await page.getByRole('link', { name: 'Imports', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Imports de fichiers' })).toBeVisible();
}

function importRows(page: Page) {
  return page.getByRole('region', { name: 'Derniers imports' }).getByRole('row');
}

test('support reads an import, filters its rejected rows, shares the view and downloads them', async ({ page }) => {
  await openImports(page, 'support');
  const succeeded = importRows(page).filter({ hasText: 'Réussi' });
  const failed = importRows(page).filter({ hasText: 'Échec' });
  await expect(succeeded).toHaveCount(1);
  await expect(failed).toHaveCount(1);
  await expect(succeeded).toContainText('Quotidien');
  await expect(failed).toContainText('Contrôle du dépôt');
  const alerts = page.getByRole('region', { name: 'Alertes récentes' });
  await expect(alerts.getByRole('row').filter({ hasText: 'Critique' })).toHaveCount(1);
  await expect(alerts).toContainText('probe_steps');

  await succeeded.getByRole('link').click();
  await expect(page).toHaveURL(/\/imports\?import=IMPORT_\d{8}_\d{6}_\d{3}$/);
  const files = page.getByRole('table', { name: 'Fichiers' });
  await expect(files.getByRole('row').filter({ hasText: /^prospects/ }).getByRole('cell')).toHaveText([
    'prospects', /^prospects_\d{8}\.csv$/, '6', '5', '1',
  ]);
  await expect(files.getByRole('row').filter({ hasText: /^probe_runs/ }).getByRole('cell').nth(4)).toHaveText('3');
  // A stray quote costs its own line: the events after it are read.
  await expect(files.getByRole('row').filter({ hasText: /^journey_events/ }).getByRole('cell')).toHaveText([
    'journey_events', /^journey_events_\d{8}\.csv$/, '6', '5', '1',
  ]);

  const rejections = page.getByRole('region', { name: 'Lignes rejetées' });
  const rejectedRows = rejections.getByRole('row');
  await expect(rejectedRows.filter({ hasText: 'probe_runs' }).filter({ hasText: 'Valeur autorisée' }))
    .toContainText('status');
  await expect(rejectedRows.filter({ hasText: 'prospects' })).toHaveCount(1);
  await expect(rejectedRows.filter({ hasText: 'journey_events' }).getByRole('cell')).toHaveText([
    'journey_events', '3', '(ligne entière)', 'Format', /^s'étend sur plusieurs lignes et compte 7 champs, l'en-tête en compte 10 \(guillemet jamais refermé \?\)/,
  ]);
  await expect(rejections.getByText(/^lignes 1–\d+ sur \d+$/)).toBeVisible();
  await page.screenshot({ path: '/tmp/imports-page.png', fullPage: true });

  await page.getByLabel('Fichier', { exact: true }).selectOption('prospects');
  await expect(page).toHaveURL(/[?&]file=prospects(&|$)/);
  await expect(rejectedRows).toHaveCount(2); // header and the one prospects row
  const prospectRow = rejectedRows.nth(1).getByRole('cell');
  await expect(prospectRow).toHaveText(
    ['prospects', '7', 'email', 'Type', "n'est pas une adresse e-mail valide"],
  );
  await expect(rejections.getByText('lignes 1–1 sur 1')).toBeVisible();

  await page.reload();
  await expect(page.getByLabel('Fichier', { exact: true })).toHaveValue('prospects');
  await expect(rejectedRows).toHaveCount(2);
  await expect(prospectRow).toHaveText(['prospects', '7', 'email', 'Type', /.+/]);

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Exporter CSV' }).click();
  const download = await downloading;
  const csv = fs.readFileSync(await download.path(), 'utf8').split('\r\n').filter((line) => line);
  expect(csv[0]).toBe('file_type,line,column,rule,message');
  expect(csv).toHaveLength(2);
  expect(csv[1]).toBe("prospects,7,email,type,n'est pas une adresse e-mail valide");
});

test('an admin restarts the failed import, which fails again at the check stage', async ({ page }) => {
  await openImports(page, 'admin');
  const failed = importRows(page).filter({ hasText: 'Échec' });
  const importId = (await failed.getByRole('link').textContent()) ?? '';
  await failed.getByRole('link').click();
  await expect(page.getByRole('heading', { name: `Import ${importId}` })).toBeVisible();
  await expect(page.getByText('Cause de l\'échec')).toBeVisible();
  // Why it failed, in French: the missing file of the drop.
  await expect(page.locator('.failure-reason')).toContainText(/probe_steps_\d{8}\.csv absent du dépôt/);
  await expect(page.getByRole('button', { name: 'Reprendre' })).toBeVisible();
  const alertsOfImport = page.getByRole('region', { name: 'Alertes récentes' }).getByRole('row')
    .filter({ hasText: importId });
  await expect(alertsOfImport).toHaveCount(1);
  await expect(alertsOfImport).toContainText(/étape « Contrôle du dépôt » : probe_steps_\d{8}\.csv absent du dépôt/);

  await page.getByRole('button', { name: 'Relancer' }).click();
  const confirmation = page.getByRole('alertdialog');
  await expect(confirmation).toContainText(`Relancer l'import ${importId}`);
  await confirmation.getByRole('button', { name: 'Confirmer' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Relance demandée' })).toBeVisible();

  // The drop is still incomplete: a second failure at the check stage, a second alert.
  await expect(alertsOfImport).toHaveCount(2);
  await expect(failed).toContainText('Contrôle du dépôt');
  await expect(page.getByText('Échec · Étape : Contrôle du dépôt')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Étapes' }).getByRole('row')).toHaveCount(2);
  await expect(page.getByText("Cause de l'échec")).toBeVisible();

  // A succeeded import offers no such buttons.
  await importRows(page).filter({ hasText: 'Réussi' }).getByRole('link').click();
  await expect(page.getByRole('table', { name: 'Fichiers' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Relancer' })).toHaveCount(0);
});

test('support has no resume or restart, and a viewer has no Imports page', async ({ page }) => {
  await openImports(page, 'support');
  await importRows(page).filter({ hasText: 'Échec' }).getByRole('link').click();
  await expect(page.getByText('Cause de l\'échec')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Relancer' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  // Let the logout's own navigation end before opening the site again.
  await expect(page).toHaveURL(/\/login/);

  await openBoard(page, 'viewer');
  await expect(page.getByRole('link', { name: 'Imports', exact: true })).toHaveCount(0);
  await page.goto('/imports');
  await expect(page.getByRole('alert')).toContainText('Votre rôle ne donne pas accès');
  const refused = await page.request.get('/api/list_imports');
  expect(refused.status()).toBe(403);
});
