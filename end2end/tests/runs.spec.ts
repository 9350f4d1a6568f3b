import { expect, test } from '@playwright/test';
import { logIn, openBoard } from './helpers';

test('from a board tile to the probe runs, then a failed run and its waterfall', async ({ page }) => {
  await openBoard(page);
  const tile = page.locator('article.tile').first();
  const probe = await tile.getAttribute('data-probe');
  await tile.getByRole('link', { name: 'Voir les passages' }).click();
  await expect(page).toHaveURL(new RegExp(`/runs\\?.*probe=${probe}`));
  await expect(page.getByRole('heading', { name: 'Passages des sondes' })).toBeVisible();
  const rows = page.getByRole('table', { name: 'Passages des sondes' }).locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  for (const code of await rows.locator('td:nth-child(2)').allTextContents()) {
    expect(code).toBe(probe);
  }

  // Every probe's failed runs, one click away; the count on the button is the range's.
  await page.goto('/runs?from=now-24h&to=now');
  const failed = page.getByRole('group', { name: 'Statut' }).getByRole('button', { name: /^Échecs/ });
  await failed.click();
  await expect(failed).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveURL(/status=KO%2CTIMEOUT/);
  // The buttons count the whole range, whatever the list shows: all = OK + KO + TIMEOUT.
  const count = async (name: RegExp) =>
    Number(((await page.getByRole('button', { name }).textContent()) ?? '').replace(/^[^(]*\(|\D/g, ''));
  const [all, ok, ko, timeout, failedCount] = [
    await count(/^Tous/), await count(/^Succès/), await count(/^Échec \(/), await count(/^Délai dépassé/), await count(/^Échecs/),
  ];
  expect(ok).toBeGreaterThan(0);
  expect(all).toBe(ok + ko + timeout);
  expect(failedCount).toBe(ko + timeout);
  const failedRows = page.getByRole('table', { name: 'Passages des sondes' }).locator('tbody tr');
  await expect(failedRows.first()).toBeVisible();
  for (const status of await failedRows.locator('td:nth-child(3)').allTextContents()) {
    expect(['Échec', 'Délai dépassé']).toContain(status);
  }
  const step = (await failedRows.first().locator('td:nth-child(5)').textContent()) ?? '';
  await failedRows.first().getByRole('link').click();
  await expect(page).toHaveURL(/\/runs\/[^?]+$/);
  const waterfall = page.getByRole('figure', { name: 'Étapes du passage' });
  await expect(waterfall).toBeVisible();
  const failing = waterfall.locator('li.failing');
  await expect(failing).toHaveCount(1);
  await expect(failing).toHaveAttribute('data-step', step);
  await expect(page.getByRole('link', { name: '← Passage précédent' })).toBeVisible();
  await page.goBack();
  await expect(failed).toHaveAttribute('aria-pressed', 'true');
});

test('a copied link of a filtered runs list reopens it after login', async ({ page }) => {
  await page.goto('/runs?from=now-24h&to=now&status=TIMEOUT');
  await expect(page).toHaveURL(/\/login\?next=/);
  await logIn(page, 'sales');
  await expect(page).toHaveURL(/\/runs\?.*status=TIMEOUT/);
  const timeouts = page.getByRole('group', { name: 'Statut' }).getByRole('button', { name: /^Délai dépassé/ });
  await expect(timeouts).toHaveAttribute('aria-pressed', 'true');
});
