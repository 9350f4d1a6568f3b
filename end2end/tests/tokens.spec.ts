import { expect, test } from '@playwright/test';
import { openBoard } from './helpers';

test('an admin creates an API token, a probe ingests with it, then the admin revokes it', async ({ page, request }) => {
  await openBoard(page, 'admin');
  await page.getByRole('link', { name: "Jetons d'API" }).click();
  await expect(page.getByRole('heading', { name: "Jetons d'API" })).toBeVisible();

  await page.getByLabel('Nom').fill('Robot de sondes e2e');
  await expect(page.getByLabel('Envoi de données (ingest)')).toBeChecked();
  await page.getByRole('button', { name: 'Créer le jeton' }).click();
  const secret = (await page.getByLabel('Secret du jeton').textContent()) ?? '';
  expect(secret).toMatch(/^vigie_[A-Za-z0-9_-]{40,}$/);
  const row = page.getByRole('row', { name: /Robot de sondes e2e/ });
  await expect(row).toContainText('Actif');

  // The probe robot posts a run with the token.
  const now = Date.now() - 60_000;
  const run = {
    run_id: `e2e-token-${now}`,
    probe_code: 'PRB_CCO_WEB_PROD',
    started_at: new Date(now).toISOString(),
    duration_ms: 1000,
    status: 'OK',
    steps: [],
  };
  const posted = await request.post('/api/v1/ingest/probe-runs', {
    headers: { Authorization: `Bearer ${secret}` },
    data: [run],
  });
  expect(posted.status()).toBe(200);
  const answer = await posted.json();
  expect(answer.rejected).toEqual([]);
  expect(answer.accepted + answer.duplicates).toBe(1);

  // The secret is not shown again after a reload; the token shows when it was used.
  await page.reload();
  await expect(page.getByLabel('Secret du jeton')).toHaveCount(0);
  await expect(row).not.toContainText('—');

  await row.getByRole('button', { name: /Révoquer/ }).click();
  await expect(row).toContainText('Révoqué');
  const refused = await request.post('/api/v1/ingest/probe-runs', {
    headers: { Authorization: `Bearer ${secret}` },
    data: [run],
  });
  expect(refused.status()).toBe(401);
});

test('a viewer has no token administration', async ({ page }) => {
  await openBoard(page, 'viewer');
  await expect(page.getByRole('link', { name: "Jetons d'API" })).toHaveCount(0);
  await page.goto('/admin/tokens');
  await expect(page.getByRole('alert')).toContainText('Votre rôle ne donne pas accès');
});
