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
 * archive's central directory. */
export function zipEntry(archive: Buffer, name: string): string {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip archive');
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  for (let index = 0; index < count; index++) {
    const method = archive.readUInt16LE(at + 10);
    const size = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const skipped = nameLength + archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
    const local = archive.readUInt32LE(at + 42);
    if (archive.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
      const data = archive.subarray(start, start + size);
      return (method === 8 ? zlib.inflateRawSync(data) : data).toString('utf8');
    }
    at += 46 + skipped;
  }
  throw new Error(`${name} is not in the archive`);
}
