import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { inject } from 'vitest';
import { launch, signedInPage } from '../support/browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('sign-in and page policy in a real browser', () => {
  it.each(['/%09/evil.test', '/%0A/evil.test', '//evil.test', '/%5Cevil.test'])('signing in from /signin?callbackUrl=%s stays on the site', async (value) => {
    const context = await browser.newContext({ baseURL: inject('baseURL') });
    const page = await context.newPage();
    await page.goto(`/signin?callbackUrl=${value}`);
    await page.getByLabel('Email').fill('analyst@demo.test');
    await page.getByLabel('Password').fill(inject('password'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
    expect(new URL(page.url()).origin).toBe(inject('baseURL'));
    await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBeTruthy();
    await context.close();
  });

  it('a signed-out colleague returns to the link they opened after signing in', async () => {
    const context = await browser.newContext({ baseURL: inject('baseURL') });
    const page = await context.newPage();
    await page.goto('/forecasts?horizon=60');
    await page.waitForURL((url) => url.pathname === '/signin');
    await page.getByLabel('Email').fill('analyst@demo.test');
    await page.getByLabel('Password').fill(inject('password'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/forecasts', { timeout: 30_000 });
    expect(new URL(page.url()).searchParams.get('horizon')).toBe('60');
    await context.close();
  });

  it('pages run their own scripts (charts draw) but an injected inline script without the nonce does not run', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    const response = await page.goto('/');
    const csp = response?.headers()['content-security-policy'] ?? '';
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(scriptSrc).not.toContain('unsafe-inline');
    await expect.poll(() => page.locator('.js-plotly-plot .main-svg').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const ran = await page.evaluate(() => {
      const w = window as unknown as { injected?: boolean };
      const s = document.createElement('script');
      s.textContent = 'window.injected = true';
      document.body.appendChild(s);
      return w.injected === true;
    });
    expect(ran).toBe(false);
    await page.context().close();
  });
});
