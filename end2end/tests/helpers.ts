import { expect, Page } from '@playwright/test';

export const ACCOUNTS = {
  viewer: 'demo-viewer',
  sales: 'demo-sales',
  support: 'demo-support',
  admin: 'demo-admin',
} as const;

/** Fills the login form as a person would and submits it. */
export async function logIn(page: Page, username: keyof typeof ACCOUNTS) {
  await page.getByLabel('Identifiant').fill(username);
  await page.getByLabel('Mot de passe').fill(ACCOUNTS[username]);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

/** Opens the site, logs in, and waits for the board. */
export async function openBoard(page: Page, username: keyof typeof ACCOUNTS = 'viewer') {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await logIn(page, username);
  await expect(page.getByRole('heading', { name: 'État des parcours en direct' })).toBeVisible();
}
