import { expect, test } from '@playwright/test';
import { logIn, openBoard } from './helpers';

const PRODUCTS = [
  'Compte courant',
  "Livret d'épargne",
  'Assurance vie',
  "Plan d'épargne en actions",
  'Carte bancaire',
  'Crédit à la consommation',
];

test('a user logs in and sees every demo product with its probes', async ({ page }) => {
  await openBoard(page);
  for (const product of PRODUCTS) {
    await expect(page.getByRole('region', { name: product })).toBeVisible();
  }
  await expect(page.locator('article.tile')).toHaveCount(20);
  // The scripted recette outage is down right now, and the banner says so.
  const banner = page.getByRole('alert');
  await expect(banner).toContainText('Indisponible en ce moment');
  await expect(banner).toContainText("Plan d'épargne en actions — Web (recette)");
  await expect(page.getByRole('article', { name: "Plan d'épargne en actions — Web (recette)" })).toHaveAttribute('data-state', 'down');
  // Availability figures are French-formatted percentages.
  await expect(page.locator('.availability dd').first()).toHaveText(/^\d{1,3},\d %$/);
});

test('a tile changes when a new run is stored, without reloading the page', async ({ page }) => {
  await openBoard(page);
  await expect(page.locator('.live-indicator')).toContainText('En direct');
  await expect(page.locator('.live-indicator')).toHaveClass(/\blive\b/);
  const lastRuns = () =>
    page.locator('article.tile').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-last-run')).join(','));
  const before = await lastRuns();
  let navigations = 0;
  page.on('framenavigated', () => navigations++);
  await expect.poll(lastRuns, { timeout: 15_000 }).not.toBe(before);
  expect(navigations).toBe(0);
});

test('the language switches to English, is remembered, and switches back', async ({ page }) => {
  await openBoard(page);
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Live journey status' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Status board' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Live journey status' })).toBeVisible();
  await expect(page.locator('.availability dd').first()).toHaveText(/^\d{1,3}\.\d%$/);
  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.getByRole('heading', { name: 'État des parcours en direct' })).toBeVisible();
});

test('a deep link opened while logged out lands there after login', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/admin/users?sort=name&filter=sales');
  await expect(page).toHaveURL(/\/login\?next=/);
  await logIn(page, 'admin');
  await expect(page).toHaveURL(/\/admin\/users\?sort=name&filter=sales$/);
  await expect(page.getByRole('heading', { name: 'Utilisateurs et rôles' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'sales', exact: true })).toBeVisible();
  await context.close();
});

test('a wrong password is refused with a message, and logout ends the session', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Identifiant').fill('viewer');
  await page.getByLabel('Mot de passe').fill('wrong');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert')).toHaveText('Identifiant ou mot de passe incorrect.');
  await logIn(page, 'viewer');
  await expect(page.getByRole('heading', { name: 'État des parcours en direct' })).toBeVisible();
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});
