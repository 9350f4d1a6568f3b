import { expect, Locator, Page, test } from '@playwright/test';
import * as fs from 'node:fs';
import { chart, logIn, openExplorer, zipEntry } from './helpers';

/** Ticks codes in one of the filter drop-downs, as a person would. */
async function chooseFilter(page: Page, filter: string, option: string) {
  const filters = page.getByRole('group', { name: 'Filtres' });
  await filters.locator('summary', { hasText: filter }).click();
  await page.getByRole('group', { name: filter, exact: true }).getByRole('checkbox', { name: option, exact: true }).check();
}

/** The series column of a chart's table. */
async function seriesNames(card: Locator) {
  const cells = await card.locator('tbody tr td:nth-child(2)').allTextContents();
  return [...new Set(cells)].sort();
}

test('a quick range and a product filter go to the URL and change the charts', async ({ page }) => {
  await openExplorer(page);
  await page.getByRole('button', { name: '7 jours' }).click();
  await expect(page).toHaveURL(/from=now-7d&to=now/);
  await expect(page.getByRole('button', { name: '7 jours' })).toHaveAttribute('aria-pressed', 'true');

  await page.getByLabel('Regrouper par').selectOption({ label: 'Produit' });
  await expect(page).toHaveURL(/group_by=product/);
  const availability = chart(page, 'Disponibilité');
  await availability.getByRole('button', { name: 'Tableau' }).click();
  await expect(availability.getByRole('table')).toBeVisible();
  await expect.poll(() => seriesNames(availability)).toContain('Assurance vie');
  expect((await seriesNames(availability)).length).toBeGreaterThan(1);

  await chooseFilter(page, 'Produit', 'Compte courant');
  await expect(page).toHaveURL(/product=CCO/);
  await expect(page.getByRole('group', { name: 'Filtres' }).locator('summary', { hasText: 'Produit (1)' })).toBeVisible();
  await expect.poll(() => seriesNames(availability)).toEqual(['Compte courant']);

  // The other charts draw too, each in its own labelled element.
  await expect(chart(page, 'Passages').getByRole('img')).toBeVisible();
  await expect(chart(page, 'Passages').getByRole('img')).toHaveAttribute('aria-label', /Passages/);
});

test("a chart's table view is a toggle kept in the URL, sorted by clicking headers", async ({ page }) => {
  await openExplorer(page, '?from=now-6h&to=now');
  const runs = chart(page, 'Passages');
  await expect(runs.getByRole('img')).toBeVisible();
  const toggle = runs.getByRole('button', { name: 'Tableau' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveURL(/table=runs/);
  const table = runs.getByRole('table');
  await expect(table.getByRole('columnheader', { name: 'Horodatage' })).toBeVisible();
  await expect(table.locator('tbody tr').first()).toBeVisible();

  const values = async () => (await table.locator('tbody td:nth-child(3)').allTextContents()).map(Number);
  await table.getByRole('button', { name: 'Valeur' }).click();
  await expect(table.getByRole('columnheader', { name: 'Valeur' })).toHaveAttribute('aria-sort', 'ascending');
  const ascending = await values();
  expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
  await table.getByRole('button', { name: 'Valeur' }).click();
  await expect(table.getByRole('columnheader', { name: 'Valeur' })).toHaveAttribute('aria-sort', 'descending');
  const descending = await values();
  expect(descending).toEqual([...descending].sort((a, b) => b - a));

  await page.reload();
  await expect(runs.getByRole('table')).toBeVisible();
  await toggle.click();
  await expect(runs.getByRole('img')).toBeVisible();
  await expect(page).not.toHaveURL(/table=/);
});

test('zooming a chart writes the narrower range to the URL, and the zoom can be undone', async ({ page }) => {
  await openExplorer(page, '?from=now-24h&to=now');
  const picture = chart(page, 'Disponibilité').getByRole('img');
  await expect(picture).toBeVisible();
  await page.waitForTimeout(500);
  const box = await picture.boundingBox();
  if (!box) throw new Error('the chart has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -300);
  await expect(page).toHaveURL(/from=\d{13}&to=\d{13}/);
  await expect(page).toHaveURL(/zoom=now-24h~now/);
  const url = new URL(page.url());
  const from = Number(url.searchParams.get('from'));
  const to = Number(url.searchParams.get('to'));
  expect(to - from).toBeLessThan(24 * 3600_000);
  expect(to - from).toBeGreaterThan(0);

  // The zoomed view reloads as it is, and "Annuler le zoom" goes back.
  await page.reload();
  await expect(chart(page, 'Disponibilité').getByRole('img')).toBeVisible();
  await page.getByRole('button', { name: 'Annuler le zoom' }).click();
  await expect(page).toHaveURL(/from=now-24h&to=now/);
  await expect(page).not.toHaveURL(/zoom=/);

  // Back undoes a navigation: the zoomed range comes back.
  await page.goBack();
  await expect(page).toHaveURL(/from=\d{13}&to=\d{13}/);
});

test('a copied link opened by a colleague after login shows the same view', async ({ browser, page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openExplorer(page);
  await page.getByRole('button', { name: 'Hier' }).click();
  await chooseFilter(page, 'Produit', 'Compte courant');
  await page.getByLabel('Regrouper par').selectOption({ label: 'Canal' });
  await page.getByLabel('Actualisation').selectOption({ label: '30 s' });
  await expect(page).toHaveURL(/refresh=30s/);
  await page.getByRole('button', { name: 'Copier le lien' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Lien copié' })).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());
  expect(link).toMatch(/from=now-1d%2Fd&to=now%2Fd/);

  const colleague = await browser.newContext();
  const other = await colleague.newPage();
  await other.goto(link);
  await expect(other).toHaveURL(/\/login\?next=/);
  await logIn(other, 'sales');
  // The same view: the login redirect may decode `%2F` to `/`, which means the same.
  await expect.poll(() => decodeURIComponent(other.url())).toBe(decodeURIComponent(link));
  await expect(other.getByRole('button', { name: 'Hier' })).toHaveAttribute('aria-pressed', 'true');
  await expect(other.getByLabel('Regrouper par')).toHaveValue('channel');
  await expect(other.getByLabel('Actualisation')).toHaveValue('30s');
  await other.getByRole('group', { name: 'Filtres' }).locator('summary', { hasText: 'Produit (1)' }).click();
  await expect(other.getByRole('checkbox', { name: 'Compte courant', exact: true })).toBeChecked();
  await expect(other.getByRole('checkbox', { name: 'Assurance vie', exact: true })).not.toBeChecked();
  await colleague.close();
});

test('a chart downloads as CSV with Paris times and neutralised formula cells', async ({ page }) => {
  // Add series whose codes a spreadsheet would run as formulas, to the server's answer
  // (one JSON line per part of the streamed series).
  await page.route('**/api/indicators_series_stream', async (route) => {
    const response = await route.fetch();
    const lines = (await response.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const first = lines.find((line) => line.part?.index === 0);
    const at = Date.now() - 3600_000;
    if (first?.part.response.metric === 'failures') {
      first.part.response.series.push({ key: { error_code: '=HYPERLINK("http://x")' }, points: [[at, 2]] });
      first.part.response.series.push({ key: { error_code: '+33,1' }, points: [[at, 1]] });
    }
    const body = lines.map((line) => JSON.stringify(line) + '\n').join('');
    await route.fulfill({ response, body });
  });
  await openExplorer(page, '?from=now-24h&to=now');
  const failures = chart(page, 'Échecs');
  await expect(failures.getByRole('button', { name: 'CSV' })).toBeEnabled();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    failures.getByRole('button', { name: 'CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('vigie-failures.csv');
  const text = fs.readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split('\r\n');
  expect(lines[0]).toBe('Horodatage,Série,Valeur');
  expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00,/);
  expect(text).toContain(',"\'=HYPERLINK(""http://x"")",2\r\n');
  expect(text).toContain(',"\'+33,1",1\r\n');
  for (const line of lines.slice(1).filter(Boolean)) {
    const series = line.split(',')[1].replace(/^"/, '');
    expect(series).not.toMatch(/^[=+\-@]/);
  }
});

test('a chart downloads as XLSX from the server with the same parameters', async ({ page }) => {
  await openExplorer(page, '?from=now-24h&to=now&product=CCO');
  const link = chart(page, 'Disponibilité').getByRole('link', { name: 'XLSX' });
  const href = await link.getAttribute('href');
  expect(href).toBe('/api/v1/export/series.xlsx?metric=availability&bucket=5m&from=now-24h&to=now&product=CCO&environment=prod');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('vigie-availability.xlsx');
  const workbook = fs.readFileSync(await download.path());
  // A header row of text, then per point a date cell (Paris time, shown as a date)
  // and the availability as a number.
  const strings = zipEntry(workbook, 'xl/sharedStrings.xml');
  expect(strings).toContain('<t>time</t>');
  expect(strings).toContain('<t>availability (%)</t>');
  // The style of the date cells shows them as dates.
  const styles = zipEntry(workbook, 'xl/styles.xml');
  const format = styles.match(/<numFmt numFmtId="(\d+)" formatCode="yyyy-mm-dd hh:mm"\/>/)?.[1];
  expect(format).toBeDefined();
  const cellStyles = styles.match(/<cellXfs[^>]*>(.*?)<\/cellXfs>/)?.[1].match(/<xf [^>]*>/g) ?? [];
  const dateStyle = cellStyles.findIndex((style) => style.includes(`numFmtId="${format}"`));
  expect(dateStyle).toBeGreaterThan(0);
  const sheet = zipEntry(workbook, 'xl/worksheets/sheet1.xml');
  const rows = [...sheet.matchAll(/<row r="(\d+)"[^>]*>(.*?)<\/row>/g)].map((row) => row[2]);
  expect(rows[0]).toMatch(/<c r="A1" s="\d+" t="s">/);
  const points = rows.slice(1);
  expect(points.length).toBeGreaterThan(200); // 24 h of 5-minute buckets
  // Serials count days since 30 December 1899 in Paris time: read as UTC, the newest
  // bucket starts within minutes of the time in Paris now (UTC times would be 1 or
  // 2 hours earlier).
  const parisNow = Date.parse(new Date().toLocaleString('sv-SE', { timeZone: 'Europe/Paris' }).replace(' ', 'T') + 'Z');
  const pattern = new RegExp(`<c r="A\\d+" s="${dateStyle}"><v>([\\d.]+)</v></c><c r="B\\d+"><v>([\\d.]+)</v>`);
  const times: number[] = [];
  for (const row of points) {
    expect(row).toMatch(pattern);
    const [, serial, value] = row.match(pattern)!;
    times.push((Number(serial) - 25569) * 86_400_000);
    expect(Number(value)).toBeGreaterThanOrEqual(0);
    expect(Number(value)).toBeLessThanOrEqual(100);
  }
  expect(Math.max(...times)).toBeLessThanOrEqual(parisNow + 60_000);
  expect(Math.max(...times)).toBeGreaterThan(parisNow - 15 * 60_000);
  // 24 hours span 25 Paris hours on the day clocks go forward.
  expect(Math.min(...times)).toBeGreaterThanOrEqual(parisNow - 25 * 3600_000 - 5 * 60_000);
});

test('the summary tab lists probes, and a row opens the charts filtered on it', async ({ page }) => {
  await openExplorer(page, '?from=now-24h&to=now');
  await page.getByRole('tab', { name: 'Synthèse' }).click();
  await expect(page).toHaveURL(/tab=summary/);
  const table = page.getByRole('table', { name: 'Synthèse' });
  await expect(table.getByRole('columnheader', { name: 'Sonde' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Indisponibilité' })).toBeVisible();
  // Production first: the 12 production probes; the 8 recette ones when asked, marked.
  await expect(table.locator('tbody tr')).toHaveCount(12);
  await expect(page.locator('.recette-mark')).toHaveCount(0);
  await page.goto('/explorer?from=now-24h&to=now&tab=summary&environment=prod,recette');
  await expect(table.locator('tbody tr')).toHaveCount(20);
  await expect(page.locator('.recette-mark')).toBeVisible();
  await expect(table.locator('tbody tr').first().locator('td').nth(1)).toHaveText(/^\d{1,3},\d %$|^—$/);
  const first = table.locator('tbody tr').first().getByRole('link');
  await first.click();
  await expect(page).toHaveURL(/probe=PRB_/);
  await expect(page).not.toHaveURL(/tab=summary/);
  await expect(page.getByRole('tab', { name: 'Graphiques' })).toHaveAttribute('aria-selected', 'true');
});

test('the failures chart splits by error category, and the summary grouped by service opens the charts on one', async ({ page }) => {
  await openExplorer(page, '?from=now-7d&to=now');
  const failures = chart(page, 'Échecs');
  await expect(failures.getByLabel('Répartir par')).toHaveValue('error_code');
  await failures.getByLabel('Répartir par').selectOption({ label: "Catégorie d'erreur" });
  await expect(page).toHaveURL(/failures_by=error_category/);
  // Stacked bars: every series has a point at the same times (ECharts stacks by index).
  const picture = failures.getByRole('img');
  await expect(picture).toBeVisible();
  const times = () =>
    picture.evaluate((element) => {
      const series = (window as any).echarts.getInstanceByDom(element)?.getOption()?.series ?? [];
      return series.map((one: any) => (one.data ?? []).map((point: number[]) => point[0]).join(','));
    });
  await expect.poll(async () => (await times()).length).toBeGreaterThan(1);
  expect(new Set(await times()).size).toBe(1);
  await failures.getByRole('button', { name: 'Tableau' }).click();
  await expect(failures.getByRole('table')).toBeVisible();
  // The demo's week holds a partner outage and technical errors.
  await expect.poll(() => seriesNames(failures)).toEqual(expect.arrayContaining(['Partenaire', 'Technique']));
  for (const name of await seriesNames(failures)) {
    expect(['Technique', 'Fonctionnelle', 'Partenaire']).toContain(name);
  }
  // The split is the failures chart's own: the others stay whole.
  const runs = chart(page, 'Passages');
  await runs.getByRole('button', { name: 'Tableau' }).click();
  await expect.poll(() => seriesNames(runs)).toEqual(['Passages']);

  await page.getByLabel('Regrouper par').selectOption({ label: 'Service' });
  await expect(page).toHaveURL(/group_by=service/);
  await page.getByRole('tab', { name: 'Synthèse' }).click();
  const table = page.getByRole('table', { name: 'Synthèse' });
  await expect(table.getByRole('columnheader', { name: 'Service' })).toBeVisible();
  await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(3);
  await expect(table.locator('tbody tr').first().locator('td').nth(1)).toHaveText(/^\d{1,3},\d %$|^—$/);
  await table.locator('tbody tr').first().getByRole('link').click();
  await expect(page).toHaveURL(/[?&]service=[A-Z_]+/);
  await expect(page.getByRole('tab', { name: 'Graphiques' })).toHaveAttribute('aria-selected', 'true');
});

test('the step success rate chart draws one series per step when grouped by step', async ({ page }) => {
  await openExplorer(page, '?from=now-24h&to=now&group_by=step');
  const rates = chart(page, 'Taux de succès des étapes');
  await expect(rates.getByRole('img')).toBeVisible();
  await rates.getByRole('button', { name: 'Tableau' }).click();
  await expect(rates.getByRole('table')).toBeVisible();
  await expect.poll(async () => (await seriesNames(rates)).length).toBeGreaterThan(3);
  const values = await rates.locator('tbody td:nth-child(3)').allTextContents();
  expect(values.length).toBeGreaterThan(0);
  for (const value of values) {
    const percent = Number(value.replace(/\s|%/g, '').replace(',', '.'));
    expect(percent).toBeGreaterThanOrEqual(0);
    expect(percent).toBeLessThanOrEqual(100);
  }
});

test('a filter changed twice quickly shows the last choice, never the first', async ({ page }) => {
  // The first choice answers slowly: its request must be dropped, and its data never drawn.
  const slow = (body: string | null) => (body ?? '').includes('"product":["CCO"]');
  let slowDropped = false;
  page.on('requestfailed', (request) => {
    if (request.url().includes('/api/indicators_series_stream') && slow(request.postData())) slowDropped = true;
  });
  await page.route('**/api/indicators_series_stream', async (route) => {
    if (slow(route.request().postData())) await new Promise((resolve) => setTimeout(resolve, 3000));
    await route.continue().catch(() => undefined);
  });
  await openExplorer(page, '?from=now-24h&to=now&group_by=product&table=availability');
  const availability = chart(page, 'Disponibilité');
  await expect(availability.getByRole('table')).toBeVisible();

  await chooseFilter(page, 'Produit', 'Compte courant');
  await expect(page).toHaveURL(/product=CCO/);
  await page.getByRole('group', { name: 'Produit', exact: true }).getByRole('checkbox', { name: 'Assurance vie', exact: true }).check();
  await expect(page).toHaveURL(/product=CCO&product=ASSVIE/);
  const lastChoice = ['Assurance vie', 'Compte courant'];
  await expect.poll(() => seriesNames(availability)).toEqual(lastChoice);
  await expect(availability).toHaveAttribute('aria-busy', 'false');
  // Once the slow answer would have come, the table still shows the last choice.
  await page.waitForTimeout(3500);
  expect(await seriesNames(availability)).toEqual(lastChoice);
  expect(slowDropped).toBe(true);
});

test('brushing a span of a chart narrows the range in the URL and reloads the charts', async ({ page }) => {
  await openExplorer(page, '?from=now-24h&to=now');
  const card = chart(page, 'Passages');
  const picture = card.getByRole('img');
  await expect(picture).toBeVisible();
  await expect(card).toHaveAttribute('aria-busy', 'false');
  await card.scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  const box = await picture.boundingBox();
  if (!box) throw new Error('the chart has no box');
  const reloaded = page.waitForRequest(
    (request) => request.url().includes('/api/indicators_series_stream') && /"from":"\d{13}"/.test(request.postData() ?? ''),
  );
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(page).toHaveURL(/from=\d{13}&to=\d{13}/);
  await expect(page).toHaveURL(/zoom=now-24h~now/);
  const url = new URL(page.url());
  const from = url.searchParams.get('from');
  const span = Number(url.searchParams.get('to')) - Number(from);
  expect(span).toBeGreaterThan(2 * 3600_000);
  expect(span).toBeLessThan(8 * 3600_000);
  expect((await reloaded).postData()).toContain(`"from":"${from}"`);
  await expect(card.getByRole('img')).toBeVisible();
  await expect(card).toHaveAttribute('aria-busy', 'false');
});

test('the summary table sorts by a clicked header, and a second click reverses', async ({ page }) => {
  await openExplorer(page, '?from=now-24h&to=now&tab=summary');
  const table = page.getByRole('table', { name: 'Synthèse' });
  await expect(table.locator('tbody tr')).toHaveCount(12);
  const header = table.getByRole('columnheader', { name: 'Disponibilité', exact: true });
  await expect(header).toHaveAttribute('aria-sort', 'none');
  // Availability as numbers ("99,5 %"; "—" when nothing was counted).
  const availability = async () =>
    (await table.locator('tbody tr td:nth-of-type(2)').allTextContents()).map((text) =>
      text.trim() === '—' ? -Infinity : Number(text.replace(/[^\d,]/g, '').replace(',', '.')),
    );

  const isSorted = (values: number[], direction: 1 | -1) =>
    values.every((value, index) => index === 0 || direction * (value - values[index - 1]) >= 0);

  await table.getByRole('button', { name: 'Disponibilité', exact: true }).click();
  await expect(page).toHaveURL(/sort=availability/);
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await expect(header).toContainText('▲');
  await expect.poll(async () => isSorted(await availability(), 1)).toBe(true);
  const ascending = await availability();
  expect(new Set(ascending).size).toBeGreaterThan(1);
  expect(isSorted(ascending, -1)).toBe(false);

  await table.getByRole('button', { name: 'Disponibilité', exact: true }).click();
  await expect(page).toHaveURL(/sort=-availability/);
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect(header).toContainText('▼');
  await expect.poll(async () => isSorted(await availability(), -1)).toBe(true);
  expect(await availability()).toHaveLength(ascending.length);

  // The order is part of the link.
  await page.reload();
  await expect(table.getByRole('columnheader', { name: 'Disponibilité', exact: true })).toHaveAttribute('aria-sort', 'descending');
});

test('auto-refresh fetches the charts again while keeping the filters', async ({ page }) => {
  await openExplorer(page, '?from=now-1h&to=now&product=PEA');
  await expect(chart(page, 'Passages').getByRole('img')).toBeVisible();
  await page.getByLabel('Actualisation').selectOption({ label: '10 s' });
  await expect(page).toHaveURL(/refresh=10s/);
  const again = await page.waitForRequest((request) => request.url().includes('/api/indicators_series'), { timeout: 15_000 });
  expect(again.postData()).toContain('"product":["PEA"]');
});

test('a count chart shades the hour being counted now; a ratio chart does not', async ({ page }) => {
  await openExplorer(page, '?from=now-2h&to=now&bucket=1h');
  const picture = chart(page, 'Passages').getByRole('img');
  await expect(picture).toBeVisible();
  const spans = async () =>
    picture.evaluate((element) => {
      const instance = (window as any).echarts.getInstanceByDom(element);
      const areas = instance?.getOption()?.series?.[0]?.markArea?.data ?? [];
      return areas.map((area: any[]) => [area[0].xAxis, area[1].xAxis, area[0].name ?? '']);
    });
  await expect.poll(async () => (await spans()).length).toBeGreaterThan(0);
  const shaded: [number, number, string][] = await spans();
  const [lastFrom, lastTo, label] = shaded[shaded.length - 1];
  // The current hour: from its start to now.
  expect(lastFrom % 3_600_000).toBe(0);
  expect(Math.abs(lastTo - Date.now())).toBeLessThan(120_000);
  expect(lastTo - lastFrom).toBeLessThanOrEqual(3_600_000);
  // Labelled when wide enough to hold it (here more than an eighth of two hours), and
  // in the tooltip in any case.
  if (lastTo - lastFrom >= 900_000) expect(label).toBe('période incomplète');
  else expect(label).toBe('');
  // Availability (a ratio) is not shaded: a part of an hour is not lower for it.
  const ratios = chart(page, 'Disponibilité').getByRole('img');
  await expect(ratios).toBeVisible();
  const ratioAreas = await ratios.evaluate(
    (element) => (window as any).echarts.getInstanceByDom(element)?.getOption()?.series?.[0]?.markArea?.data?.length ?? 0,
  );
  expect(ratioAreas).toBe(0);
});

test('an empty range says why there is nothing', async ({ page }) => {
  await openExplorer(page, '?from=2001-01-01T00:00:00%2B01:00&to=2001-01-02T00:00:00%2B01:00');
  await expect(chart(page, 'Disponibilité').getByRole('status')).toHaveText('Aucune donnée sur cette période.');
  await page.goto('/explorer?from=2001-01-01T00:00:00%2B01:00&to=2001-01-02T00:00:00%2B01:00&product=CCO');
  await expect(chart(page, 'Disponibilité').getByRole('status')).toContainText('Les filtres choisis excluent');
  await chart(page, 'Disponibilité').getByRole('button', { name: 'Effacer les filtres' }).click();
  await expect(page).not.toHaveURL(/product=/);
});

test('a chart that cannot be split by the chosen group-by says why', async ({ page }) => {
  await openExplorer(page, '?from=now-24h&to=now&group_by=error_code');
  await expect(chart(page, 'Disponibilité')).toContainText(
    "Non réparti selon « Code d'erreur » : un taux par erreur ne compterait que des échecs.");
  await expect(chart(page, 'Disponibilité').getByRole('img')).toBeVisible();
  await expect(chart(page, 'Passages').locator('.chart-note')).toHaveCount(0);
  await page.getByLabel('Regrouper par').selectOption({ label: 'Sonde' });
  await expect(chart(page, 'Événements de parcours')).toContainText(
    'Non réparti selon « Sonde » : les événements de parcours ne portent pas cette information.');
  await expect(chart(page, 'Disponibilité').locator('.chart-note')).toHaveCount(0);
  // Journey events are split by the service of their step.
  await page.getByLabel('Regrouper par').selectOption({ label: 'Service' });
  await expect(page).toHaveURL(/group_by=service/);
  await expect(chart(page, 'Événements de parcours').locator('.chart-note')).toHaveCount(0);
  await expect(chart(page, 'Événements de parcours').getByRole('img')).toBeVisible();
});

test('the journey events chart says which filter it cannot apply', async ({ page }) => {
  // Production only (the default) is what real prospects' events are: no note then.
  await openExplorer(page, '?from=now-24h&to=now');
  await expect(chart(page, 'Événements de parcours').getByRole('img')).toBeVisible();
  await expect(chart(page, 'Événements de parcours').locator('.chart-note')).toHaveCount(0);
  await page.goto('/explorer?from=now-24h&to=now&environment=recette');
  await expect(chart(page, 'Événements de parcours')).toContainText(
    'Non filtré selon « Environnement » : les événements de parcours ne portent pas cette information.');
  await expect(chart(page, 'Passages').locator('.chart-note')).toHaveCount(0);
});

test('a point of the runs chart opens the runs behind it', async ({ page }) => {
  await openExplorer(page, '?from=now-6h&to=now&bucket=1h&table=runs');
  const table = chart(page, 'Passages').getByRole('table');
  const row = table.locator('tbody tr').nth(1);
  await expect(row).toBeVisible();
  const value = Number(((await row.locator('td').nth(2).textContent()) ?? '').replace(/\D/g, ''));
  expect(value).toBeGreaterThan(0);
  await row.getByRole('link').click();
  await expect(page).toHaveURL(/\/runs\?from=\d+&to=\d+/);
  const all = page.getByRole('group', { name: 'Statut' }).getByRole('button', { name: /^Tous/ });
  await expect(all).toHaveText(`Tous (${value})`);
  await expect(page.getByRole('table', { name: 'Passages des sondes' }).locator('tbody tr')).toHaveCount(Math.min(value, 50));
});

test('a click on a bar of the failures chart opens the failed runs behind it', async ({ page }) => {
  await openExplorer(page, '?from=now-6h&to=now&bucket=1h');
  const card = chart(page, 'Échecs');
  await expect(card.getByRole('img')).toBeVisible();
  await expect(card).toHaveAttribute('aria-busy', 'false');
  await card.scrollIntoViewIfNeeded();
  // The middle of the tallest bar, where ECharts draws it.
  const point = await card.locator('.chart').evaluate((element) => {
    const instance = (window as any).echarts.getInstanceByDom(element);
    const valueOf = (datum: any) => (Array.isArray(datum) ? datum : datum?.value) ?? [0, 0];
    let best = { index: -1, value: [0, 0] as number[] };
    instance.getOption().series.forEach((series: any, index: number) => {
      for (const datum of series.data ?? []) {
        const value = valueOf(datum);
        if (value[1] > best.value[1]) best = { index, value };
      }
    });
    const [x, y] = instance.convertToPixel({ seriesIndex: best.index }, [best.value[0], best.value[1] / 2]);
    const box = element.getBoundingClientRect();
    return { x: box.left + x, y: box.top + y };
  });
  await page.mouse.click(point.x, point.y);
  await expect(page).toHaveURL(/\/runs\?from=\d+&to=\d+.*status=KO%2CTIMEOUT/);
  await expect(page.getByRole('table', { name: 'Passages des sondes' }).locator('tbody tr').first()).toBeVisible();
});
