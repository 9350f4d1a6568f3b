import * as fs from 'node:fs';

export default async function globalTeardown() {
  const dir = process.env.VIGIE_E2E_DIR;
  if (dir && dir.includes('vigie-e2e-')) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
