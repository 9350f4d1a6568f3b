import { expect, test } from '@playwright/test';
import { openBoard } from './helpers';

test('the journeys page shows a product funnel, probes beside prospects, and its view in the URL', async ({ page }) => {
  await openBoard(page);
  await page.getByRole('link', { name: 'Parcours' }).click();
  await expect(page.getByRole('heading', { name: 'Parcours des prospects' })).toBeVisible();
  const funnel = page.getByRole('table', { name: 'Entonnoir du parcours' });
  const steps = funnel.locator('tbody tr');
  await expect(steps.first()).toBeVisible();
  // Each step is reached by no more journeys than the step before.
  const reached = (await steps.locator('.funnel-count').allTextContents()).map((text) => Number(text.replace(/\D/g, '')));
  expect(reached.length).toBeGreaterThan(2);
  expect(reached[0]).toBeGreaterThan(0);
  for (let i = 1; i < reached.length; i++) expect(reached[i]).toBeLessThanOrEqual(reached[i - 1]);
  await expect(page.locator('.funnel-totals')).toContainText('parcours démarrés');

  // Another product, on mobile, over 24 hours: all in the URL, and back after a reload.
  const products = page.getByRole('group', { name: 'Produit' }).getByRole('button');
  await products.nth(1).click();
  await expect(page).toHaveURL(/product=/);
  await page.getByRole('button', { name: 'Mobile' }).click();
  await page.getByRole('button', { name: '24 heures' }).click();
  await expect(page).toHaveURL(/from=now-24h.*channel=mobile/);
  await page.reload();
  await expect(products.nth(1)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: 'Mobile' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('table', { name: 'Conversion de chaque étape par heure' })).toBeVisible();
});
