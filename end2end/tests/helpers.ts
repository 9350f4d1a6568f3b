import { expect, Page } from '@playwright/test';
import * as zlib from 'node:zlib';

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

/** The text of one file of a zip archive (an XLSX workbook is one), found through the
 * archive's central directory (offsets as the zip format defines them). */
export function zipEntry(archive: Buffer, name: string): string {
  const endOfDirectory = archive.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
  if (endOfDirectory < 0) throw new Error('not a zip archive');
  const count = archive.readUInt16LE(endOfDirectory + 10);
  let entry = archive.readUInt32LE(endOfDirectory + 16);
  for (let index = 0; index < count; index++) {
    if (archive.toString('latin1', entry, entry + 4) !== 'PK\x01\x02') throw new Error('bad zip directory entry');
    const method = archive.readUInt16LE(entry + 10);
    const size = archive.readUInt32LE(entry + 20);
    const nameLength = archive.readUInt16LE(entry + 28);
    const extraLength = archive.readUInt16LE(entry + 30);
    const commentLength = archive.readUInt16LE(entry + 32);
    const local = archive.readUInt32LE(entry + 42);
    if (archive.toString('utf8', entry + 46, entry + 46 + nameLength) === name) {
      if (archive.toString('latin1', local, local + 4) !== 'PK\x03\x04') throw new Error('bad zip file header');
      const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
      const data = archive.subarray(start, start + size);
      if (method === 0) return data.toString('utf8');
      if (method === 8) return zlib.inflateRawSync(data).toString('utf8');
      throw new Error(`${name} is compressed with method ${method}`);
    }
    entry += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${name} is not in the archive`);
}

/** Opens the explorer at `query` (logging in on the way) and waits for the page. */
export async function openExplorer(page: Page, query = '') {
  await page.goto(`/explorer${query}`);
  await expect(page).toHaveURL(/\/login\?next=/);
  await logIn(page, 'viewer');
  await expect(page.getByRole('heading', { name: "Explorateur d'indicateurs" })).toBeVisible();
}

/** A chart's card on the explorer, by its title. */
export const chart = (page: Page, title: string) => page.getByRole('region', { name: title, exact: true });
