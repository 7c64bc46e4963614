import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
}

/** A fresh browser context signed in through the real sign-in form. */
export async function signedInPage(browser: Browser, email: string, password = inject('password')): Promise<Page> {
  const context = await browser.newContext({ baseURL: inject('baseURL') });
  const page = await context.newPage();
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
  // The pointer stays where the Sign in button was, which may be over a term of the next page
  // and show its tooltip (hover): park it in the corner, as a person's hand would move on.
  await page.mouse.move(0, 0);
  return page;
}

/** The labels of the main navigation. */
export async function navLabels(page: Page): Promise<string[]> {
  return (await page.locator('aside nav a').allTextContents()).map((t) => t.trim());
}
