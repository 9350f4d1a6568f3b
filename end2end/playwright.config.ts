import { defineConfig } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// One fresh SQLite database per run, removed by the global teardown. Set once in the
// main process; workers inherit the variable.
process.env.VIGIE_E2E_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-e2e-'));
const port = Number(process.env.VIGIE_E2E_PORT ?? 3917);
const binary = process.env.VIGIE_E2E_BINARY ?? path.join(__dirname, '..', 'target', 'debug', 'vigie');

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  globalTeardown: './global-teardown.ts',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `${binary} demo --days 2 --tick-ms 1000 --port ${port}`,
    url: `http://127.0.0.1:${port}/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${path.join(process.env.VIGIE_E2E_DIR, 'e2e.db')}`,
      VIGIE_DIST_DIR: path.join(__dirname, '..', 'dist'),
      RUST_LOG: 'warn,sqlx=error',
    },
  },
});
