// Screenshots of the main pages, in French and English, for people to look at (written
// to end2end/screenshots/). They assert only what a screenshot needs to be worth taking;
// behaviour is tested in the other specs.
import { expect, test } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chart, logIn, openExplorer } from './helpers';

const folder = path.join(__dirname, '..', 'screenshots');

test.beforeAll(() => {
  fs.mkdirSync(folder, { recursive: true });
});

test('screenshots of the board in both languages', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/');
  await page.screenshot({ path: path.join(folder, 'login-fr.png') });
  await logIn(page, 'viewer');
  await expect(page.locator('article.tile')).toHaveCount(20);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(folder, 'board-fr.png'), fullPage: true });
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Live journey status' })).toBeVisible();
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(folder, 'board-en.png'), fullPage: true });
});

test('screenshot of the explorer', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await openExplorer(page, '?from=now-24h&to=now&group_by=channel&table=events');
  await expect(chart(page, 'Disponibilité').getByRole('img')).toBeVisible();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(folder, 'explorer-fr.png'), fullPage: true });
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Indicator explorer' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Availability', exact: true }).getByRole('img')).toBeVisible();
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(folder, 'explorer-en.png'), fullPage: true });
  await page.getByRole('button', { name: 'Français' }).click();
  await page.goto('/explorer?from=now-24h&to=now&tab=summary&sort=-availability');
  await expect(page.getByRole('table', { name: 'Synthèse' }).locator('tbody tr')).toHaveCount(12);
  await page.screenshot({ path: path.join(folder, 'explorer-summary-fr.png'), fullPage: true });
});

test('screenshots of the runs list and a failed run, desktop and phone', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/runs?from=now-24h&to=now&status=KO,TIMEOUT');
  await logIn(page, 'viewer');
  const rows = page.getByRole('table', { name: 'Passages des sondes' }).locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  await page.screenshot({ path: path.join(folder, 'runs-fr.png'), fullPage: true });
  await rows.first().getByRole('link').click();
  await expect(page.getByRole('figure', { name: 'Étapes du passage' })).toBeVisible();
  await page.screenshot({ path: path.join(folder, 'run-fr.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(folder, 'run-phone-fr.png'), fullPage: true });
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('figure', { name: 'Steps of the run' })).toBeVisible();
  await page.screenshot({ path: path.join(folder, 'run-en.png'), fullPage: true });
});

test('screenshots of the incidents timeline, an incident and the funnel, in both languages', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/incidents?from=now-2d&to=now');
  await logIn(page, 'viewer');
  const timeline = page.getByRole('figure', { name: 'Chronologie des indisponibilités' });
  await expect(timeline.locator('a.bar.incident').first()).toBeVisible();
  await page.screenshot({ path: path.join(folder, 'incidents-fr.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(folder, 'incidents-phone-fr.png'), fullPage: true });
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.getByRole('table', { name: 'Indisponibilités' }).locator('tbody tr').filter({ hasText: 'ESIGN' }).first().getByRole('link').click();
  await expect(page.getByRole('table', { name: 'Passages en échec' })).toBeVisible();
  await page.screenshot({ path: path.join(folder, 'incident-fr.png'), fullPage: true });
  await page.goto('/journeys?from=now-2d&to=now');
  await expect(page.getByRole('table', { name: 'Entonnoir du parcours' }).locator('tbody tr').first()).toBeVisible();
  await page.screenshot({ path: path.join(folder, 'journeys-fr.png'), fullPage: true });
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('table', { name: 'Journey funnel' })).toBeVisible();
  await page.screenshot({ path: path.join(folder, 'journeys-en.png'), fullPage: true });
  await page.goto('/incidents?from=now-2d&to=now&lanes=service');
  await expect(page.getByRole('figure', { name: 'Incident timeline' }).locator('a.bar.incident').first()).toBeVisible();
  await page.screenshot({ path: path.join(folder, 'incidents-en.png'), fullPage: true });
  await page.getByRole('button', { name: 'Français' }).click();
});
