import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/** Why browser tests cannot run here, or null when they can. CI installs Chromium, so it always runs them. */
export function browserUnavailable(): string | null {
  if ('Deno' in globalThis) return 'browser tests run on Node only';
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  return null;
}

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Signs a browser page in to the back office through /admin/login, as a person would. */
export async function signInToAdmin(page: import('playwright-core').Page, baseUrl: string, name: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/login`);
  await page.getByLabel('账号').fill(name);
  await page.getByLabel('密码').fill(password);
  await Promise.all([page.waitForURL(/\/admin\/payments/), page.getByRole('button', { name: '登录' }).click()]);
}

/** The widths every admin action's outcome is looked at: a desk and a phone. */
export const ADMIN_WIDTHS = [1440, 375] as const;

/** The page at each of ADMIN_WIDTHS, whole, as `${name}-${width}.png`. */
export async function adminShots(page: import('playwright-core').Page, name: string): Promise<void> {
  for (const width of ADMIN_WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: ADMIN_WIDTHS[0], height: 800 });
}
