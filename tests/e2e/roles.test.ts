import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, navLabels, signedInPage } from '../support/browser';
import { api, signIn } from '../support/http';
import { can } from '@/lib/auth/permissions';
import { NAV_ITEMS } from '@/lib/nav';
import { inject } from 'vitest';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const ALL_PAGES = ['Overview', 'Forecasts', 'Analysis', 'Data', 'Models', 'Experiments', 'Monitoring', 'Real-time', 'Explain', 'Decisions', 'Assistant', 'Reports', 'Audit', 'Admin', 'API', 'Settings'];

describe('admin', () => {
  it('sees every page, adds a user, creates an API key shown once, and finds both in the audit log', async () => {
    const page = await signedInPage(browser, 'admin@demo.test');
    expect(await page.getByTestId('current-role').textContent()).toBe('Admin');
    expect(await navLabels(page)).toEqual(ALL_PAGES);

    await page.goto('/admin/users');
    const form = page.getByTestId('create-user');
    await form.getByLabel('Email').fill('new.analyst@demo.test');
    await form.getByLabel('Name', { exact: true }).fill('New Analyst');
    await form.getByLabel('Role').selectOption('analyst');
    await form.getByLabel(/Initial password/).fill('Orchid-lantern-2026');
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => form.locator('.alert').textContent()).toContain('Created new.analyst@demo.test');
    await expect.poll(() => page.getByTestId('user-row-new.analyst@demo.test').count()).toBe(1);

    // A bad email is refused with a message next to the form, and nothing is created.
    // (It passes the browser's own check, so the server's validation answers.)
    // The form was reset after the success: fill it again.
    await form.getByLabel('Email').fill('nobody@nowhere');
    await form.getByLabel('Name', { exact: true }).fill('Nobody');
    await form.getByLabel(/Initial password/).fill('Orchid-lantern-2026');
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => form.locator('.alert').textContent()).toContain('valid email');

    // A guessable password is refused with the reason, and nothing is created.
    await form.getByLabel('Email').fill('weak.pass@demo.test');
    await form.getByLabel('Name', { exact: true }).fill('Weak Pass');
    await form.getByLabel(/Initial password/).fill('Password2026');
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => form.locator('.alert').textContent()).toContain('common password with digits');
    expect(await page.getByTestId('user-row-weak.pass@demo.test').count()).toBe(0);

    await page.goto('/admin/api-keys');
    const keyForm = page.getByTestId('create-key');
    await keyForm.getByLabel('Name').fill('ERP sync');
    await keyForm.getByLabel('Role').selectOption('viewer');
    await keyForm.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('new-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^fsk\.demo\.k_[a-z0-9]{12}\./);
    // The key works against the API, and after a reload it is no longer shown anywhere.
    const me = await fetch(`${inject('baseURL')}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(200);
    await page.reload();
    expect(await page.content()).not.toContain(secret);

    await page.goto('/audit?action=apikeys.create');
    expect(await page.locator('table').textContent()).toContain('apikeys.create');
    await page.goto('/audit?action=users.create');
    expect(await page.locator('table').textContent()).toContain('new.analyst@demo.test');

    // Revoking the key (after confirming) stops it at once.
    await page.goto('/admin/api-keys');
    page.once('dialog', (d) => void d.accept());
    await page.locator('tr', { hasText: 'ERP sync' }).getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.locator('tr', { hasText: 'ERP sync' }).textContent()).toContain('revoked');
    expect((await fetch(`${inject('baseURL')}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } })).status).toBe(401);
    await page.context().close();
  });

  it("changes a user's role and deactivates them: the new role applies, then they cannot sign in", async () => {
    const page = await signedInPage(browser, 'admin@demo.test');
    await page.goto('/admin/users');
    const form = page.getByTestId('create-user');
    await form.getByLabel('Email').fill('temp.viewer@demo.test');
    await form.getByLabel('Name', { exact: true }).fill('Temp Viewer');
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByLabel(/Initial password/).fill('Pebble-saffron-2026');
    await form.getByRole('button', { name: 'Add user' }).click();
    const row = page.getByTestId('user-row-temp.viewer@demo.test');
    await expect.poll(() => row.count()).toBe(1);

    await row.getByLabel('Role of temp.viewer@demo.test').selectOption('analyst');
    await row.getByRole('button', { name: 'Change' }).click();
    await expect.poll(() => row.locator('.alert').textContent().catch(() => '')).toContain('is now analyst');
    await page.reload();
    expect(await page.getByTestId('user-row-temp.viewer@demo.test').getByLabel('Role of temp.viewer@demo.test').inputValue()).toBe('analyst');
    const asAnalyst = await signIn('temp.viewer@demo.test', 'Pebble-saffron-2026');
    expect(asAnalyst.ok).toBe(true);
    expect((await api('/audit', { cookie: asAnalyst.cookie })).status).toBe(200);

    await page.getByTestId('user-row-temp.viewer@demo.test').getByRole('button', { name: 'Deactivate' }).click();
    await expect.poll(() => page.getByTestId('user-row-temp.viewer@demo.test').textContent()).toContain('deactivated');
    expect((await api('/audit', { cookie: asAnalyst.cookie })).status).not.toBe(200);
    const again = await signIn('temp.viewer@demo.test', 'Pebble-saffron-2026');
    expect(again.ok).toBe(false);
    expect(again.error).toMatch(/deactivated/);
    await page.context().close();
  });
});

describe('every role x every page', () => {
  for (const role of ['admin', 'manager', 'analyst', 'viewer'] as const) {
    it(`${role} opens every page its navigation shows, and gets the 403 page on every other one`, async () => {
      const page = await signedInPage(browser, `${role}@demo.test`);
      const shown = new Set(NAV_ITEMS.filter((i) => can(role, i.permission)).map((i) => i.href));
      expect((await navLabels(page)).length).toBe(shown.size);
      for (const item of NAV_ITEMS) {
        const res = await page.goto(item.href, { waitUntil: 'domcontentloaded' });
        const h1 = (await page.locator('h1').first().textContent()) ?? '';
        if (shown.has(item.href)) {
          expect(res?.status(), `${role} ${item.href}`).toBe(200);
          expect(h1, `${role} ${item.href}`).not.toContain('403');
        } else {
          expect(res?.status(), `${role} ${item.href}`).toBe(403);
          expect(h1, `${role} ${item.href}`).toContain('403');
        }
      }
      await page.context().close();
    });
  }
});

describe('manager', () => {
  it('sees the dashboards and reports but no Admin, and is refused the users page', async () => {
    const page = await signedInPage(browser, 'manager@demo.test');
    const labels = await navLabels(page);
    expect(labels).toContain('Reports');
    expect(labels).toContain('Audit');
    expect(labels).not.toContain('Admin');
    const res = await page.goto('/admin/users');
    expect(res?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toContain('403');
    await page.context().close();
  });
});

describe('analyst', () => {
  it('reads the audit log but cannot create an API key', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    const labels = await navLabels(page);
    expect(labels).toContain('Audit');
    expect(labels).toContain('Explain');
    expect(labels).not.toContain('Admin');
    const res = await page.goto('/admin/api-keys');
    expect(res?.status()).toBe(403);
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    const audit = await page.goto('/audit');
    expect(audit?.status()).toBe(200);
    await page.context().close();
  });
});

describe('viewer', () => {
  it('sees read-only dashboards and gets 403 on the users page and the audit log', async () => {
    const page = await signedInPage(browser, 'viewer@demo.test');
    const labels = await navLabels(page);
    // Issue 13 item 12: no Reports page for a role that cannot download a report.
    expect(labels).toEqual(['Overview', 'Forecasts', 'Analysis', 'Data', 'Models', 'Experiments', 'Monitoring', 'Real-time', 'Decisions', 'API', 'Settings']);
    expect((await page.goto('/admin/users'))?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toContain('403');
    expect((await page.goto('/audit'))?.status()).toBe(403);
    expect((await page.goto('/forecasts'))?.status()).toBe(200);
    await page.context().close();
  });

  it('signs out and is sent back to sign in', async () => {
    const page = await signedInPage(browser, 'viewer@demo.test');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin/);
    await page.goto('/');
    expect(new URL(page.url()).pathname).toBe('/signin');
    await page.context().close();
  });
});

describe('sign-in form', () => {
  it('says what is wrong on a bad password and keeps the person on the form', async () => {
    const context = await browser.newContext({ baseURL: inject('baseURL') });
    const page = await context.newPage();
    await page.goto('/signin');
    await page.getByLabel('Email').fill('viewer@demo.test');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('.alert').textContent()).toContain('Wrong email or password');
    expect(new URL(page.url()).pathname).toBe('/signin');
    await context.close();
  });

  it('asks which organisation when the password opens several, listing only those, and signs in to the one chosen', async () => {
    process.env.FORESIGHT_HOME = inject('home');
    const { createUser } = await import('@/lib/users');
    await createUser('demo', { email: 'twin@demo.test', name: 'Twin', role: 'analyst', password: 'saffron tundra pebble orchid' });
    await createUser('other', { email: 'twin@demo.test', name: 'Twin', role: 'viewer', password: 'saffron tundra pebble orchid' });
    await createUser('burst', { email: 'twin@demo.test', name: 'Twin', role: 'viewer', password: 'another quite different phrase' });
    const context = await browser.newContext({ baseURL: inject('baseURL') });
    const page = await context.newPage();
    await page.goto('/signin');
    await page.getByLabel('Email').fill('twin@demo.test');
    await page.getByLabel('Password').fill('saffron tundra pebble orchid');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const choice = page.getByTestId('organisation-choice');
    await choice.waitFor();
    expect(await choice.getByRole('radio').count()).toBe(2);
    expect(await choice.textContent()).not.toContain('Tenant burst');
    await choice.getByLabel('Tenant other').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
    expect(await page.getByTestId('current-role').textContent()).toBe('Viewer');
    await context.close();
  });
});

describe('platform admin', () => {
  it('creates a tenant, suspends it (its admin cannot sign in), and deletes it', async () => {
    const page = await signedInPage(browser, 'platform@foresight.test');
    expect(new URL(page.url()).pathname).toBe('/platform/tenants');
    const form = page.getByTestId('create-tenant');
    await form.getByLabel(/^Id/).fill('fresh-co');
    await form.getByLabel('Name', { exact: true }).fill('Fresh Co');
    await form.getByLabel('Plan').selectOption('pro');
    await form.getByLabel('First admin email').fill('boss@fresh.test');
    await form.getByLabel(/First admin password/).fill('Velvet-quarry-2026');
    await form.getByRole('button', { name: 'Create tenant' }).click();
    await expect.poll(() => page.getByTestId('tenant-row-fresh-co').count()).toBe(1);

    const row = page.getByTestId('tenant-row-fresh-co');
    await row.getByRole('button', { name: 'Suspend' }).click();
    await expect.poll(() => row.textContent()).toContain('suspended');
    const other = await browser.newContext({ baseURL: inject('baseURL') });
    const p2 = await other.newPage();
    await p2.goto('/signin');
    await p2.getByLabel('Email').fill('boss@fresh.test');
    await p2.getByLabel('Password').fill('Velvet-quarry-2026');
    await p2.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => p2.locator('.alert').textContent()).toContain('suspended');
    await other.close();

    await row.getByText('Delete…').click();
    await row.getByLabel(/Type/).fill('fresh-co');
    await row.getByRole('button', { name: 'Delete forever' }).click();
    await expect.poll(() => page.getByTestId('tenant-row-fresh-co').count()).toBe(0);
    await page.context().close();
  });

  it('is refused tenant pages, and tenant users are refused the platform page', async () => {
    const page = await signedInPage(browser, 'admin@demo.test');
    expect((await page.goto('/platform/tenants'))?.status()).toBe(403);
    await page.context().close();

    // A platform admin holds no tenant role: a tenant page never shows them a tenant's data.
    const platform = await signedInPage(browser, 'platform@foresight.test');
    for (const href of ['/admin/users', '/audit', '/data']) {
      const res = await platform.goto(href);
      const landed = new URL(platform.url()).pathname;
      expect(landed === '/platform/tenants' || res?.status() === 403, `${href} -> ${landed} ${res?.status()}`).toBe(true);
      expect(await platform.content()).not.toContain('admin@demo.test');
    }
    await platform.context().close();
  });
});
