import { expect, test } from '@playwright/test';
import { openBoard } from './helpers';

// The demo's recette probe PRB_PEA_WEB_REC has been down for 25 minutes when it starts,
// and the e-signature partner was down for 42 minutes yesterday afternoon.
test('board → failing probe → failed run waterfall → its incident → back', async ({ page }) => {
  await openBoard(page);
  const tile = page.locator('article.tile[data-probe="PRB_PEA_WEB_REC"]');
  await tile.getByRole('link', { name: 'Voir les passages' }).click();
  await expect(page).toHaveURL(/\/runs\?.*probe=PRB_PEA_WEB_REC/);
  const rows = page.getByRole('table', { name: 'Passages des sondes' }).locator('tbody tr');
  await rows.filter({ hasText: 'Échec' }).first().getByRole('link').click();
  await expect(page.getByRole('figure', { name: 'Étapes du passage' })).toBeVisible();
  await expect(page.getByText('Prospects à la même étape (±15 min)')).toBeVisible();
  const runUrl = page.url();
  await page.locator('.run-facts').getByRole('link', { name: /^PRB_PEA_WEB_REC-/ }).click();
  await expect(page).toHaveURL(/\/incidents\/PRB_PEA_WEB_REC-\d+$/);
  await expect(page.getByRole('heading', { name: /^Indisponibilité · PRB_PEA_WEB_REC/ })).toBeVisible();
  await expect(page.locator('.run-summary')).toContainText('en cours');
  const failedRuns = page.getByRole('table', { name: 'Passages en échec' }).locator('tbody tr');
  expect(await failedRuns.count()).toBeGreaterThanOrEqual(2);
  await expect(page.getByRole('table', { name: 'Erreurs par étape' }).locator('tbody tr').first()).toContainText('DOCUMENTS');
  await page.goBack();
  await expect(page).toHaveURL(runUrl);
  await expect(page.getByRole('figure', { name: 'Étapes du passage' })).toBeVisible();

  // The board's banner opens the same incident.
  await page.goto('/');
  await page.getByRole('alert').getByRole('link', { name: "Voir l'indisponibilité" }).first().click();
  await expect(page).toHaveURL(/\/incidents\/PRB_PEA_WEB_REC-\d+$/);
});

test('the incidents page draws the timeline, the table and MTTR/MTBF, and keeps its view in the URL', async ({ page }) => {
  await openBoard(page);
  await page.getByRole('link', { name: 'Indisponibilités' }).click();
  await expect(page.getByRole('heading', { name: 'Indisponibilités', exact: true })).toBeVisible();
  const timeline = page.getByRole('figure', { name: 'Chronologie des indisponibilités' });
  await expect(timeline).toBeVisible();
  // Yesterday's partner outage is there, caused by a partner, on every probe that signs.
  const table = page.getByRole('table', { name: 'Indisponibilités' });
  await expect(table.locator('tbody tr').filter({ hasText: 'ESIGN' }).first()).toContainText('Partenaire');
  const bars = timeline.locator('a.bar.incident');
  expect(await bars.count()).toBe(await table.locator('tbody tr').count());
  // Production first: no recette incident until recette is asked for, and then marked.
  const environment = page.getByRole('group', { name: 'Environnement' });
  await expect(environment.getByRole('button', { name: 'Production' })).toHaveAttribute('aria-pressed', 'true');
  await expect(table.locator('.env-recette')).toHaveCount(0);
  await expect(page.locator('.recette-mark')).toHaveCount(0);
  await environment.getByRole('button', { name: 'Recette' }).click();
  await expect(page).toHaveURL(/environment=recette/);
  await expect(page.locator('.recette-mark')).toBeVisible();
  const open = table.locator('tbody tr').filter({ hasText: 'en cours' });
  await expect(open.first()).toContainText('PRB_PEA_WEB_REC');
  await expect(open.first().locator('.env-recette')).toBeVisible();
  await environment.getByRole('button', { name: 'Production' }).click();
  await expect(page).toHaveURL(/environment=prod/);
  await expect(page.getByRole('table', { name: 'MTTR et MTBF par sonde' }).locator('tbody tr').first()).toBeVisible();

  // One lane per service; then the last 24 hours. Both in the URL.
  await page.getByRole('button', { name: 'Une ligne par service' }).click();
  await expect(page).toHaveURL(/lanes=service/);
  await expect(timeline.locator('li[data-lane="ESIGN_PARTNER"]')).toBeVisible();
  await page.getByRole('button', { name: '24 heures' }).click();
  await expect(page).toHaveURL(/from=now-24h.*lanes=service/);
  await page.reload();
  await expect(page.getByRole('button', { name: '24 heures' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: 'Une ligne par service' })).toHaveAttribute('aria-pressed', 'true');
  // A bar opens its incident (the last drawn: one service's incidents of several probes
  // overlap in its lane, and the last is on top).
  await timeline.locator('a.bar.incident').last().click();
  await expect(page).toHaveURL(/\/incidents\/[^?]+$/);
  await expect(page.getByRole('table', { name: 'Passages en échec' })).toBeVisible();
});
