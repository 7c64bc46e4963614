import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';
import { WALMART_CSV } from '../support/paths';

// Issue 13, item 9: every form shows the stored state after its action, and keeps what was typed on a refusal.

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { createUser } = await import('@/lib/users');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  await createTenantWithAdmin({ id: 'formco', name: 'Form Co', tier: 'enterprise', adminEmail: 'admin@formco.test', adminName: 'F', adminPassword: inject('password') }, SYSTEM_ACTOR);
  await createUser('formco', { email: 'mia@formco.test', name: 'Mia', role: 'viewer', password: inject('password') });
  await createTenantWithAdmin({ id: 'calco', name: 'Cal Co', tier: 'enterprise', adminEmail: 'admin@calco.test', adminName: 'C', adminPassword: inject('password') }, SYSTEM_ACTOR);
});
afterAll(async () => {
  await browser?.close();
});

describe('forms show what they just did', () => {
  it("after a role change the users table shows the new role at once, and stays so after a reload", async () => {
    const page = await signedInPage(browser, 'admin@formco.test');
    await page.goto('/admin/users');
    const row = page.getByTestId('user-row-mia@formco.test');
    const role = row.getByLabel('Role of mia@formco.test');
    expect(await role.inputValue()).toBe('viewer');
    await role.selectOption('manager');
    await row.getByRole('button', { name: 'Change' }).click();
    await expect.poll(() => row.locator('.alert').textContent().catch(() => '')).toContain('is now manager');
    // Without a reload: the table shows the stored role.
    expect(await role.inputValue()).toBe('manager');
    await page.reload();
    expect(await page.getByTestId('user-row-mia@formco.test').getByLabel('Role of mia@formco.test').inputValue()).toBe('manager');
    await page.context().close();
  });

  it('a refused form keeps what the person typed', async () => {
    const page = await signedInPage(browser, 'admin@formco.test');
    await page.goto('/admin/users');
    const form = page.getByTestId('create-user');
    await form.getByLabel('Email').fill('new.person@formco.test');
    await form.getByLabel('Name', { exact: true }).fill('New Person');
    await form.getByLabel('Role').selectOption('analyst');
    await form.getByLabel(/Initial password/).fill('Password2026');
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => form.locator('.alert').textContent()).toContain('common password');
    expect(await form.getByLabel('Email').inputValue()).toBe('new.person@formco.test');
    expect(await form.getByLabel('Name', { exact: true }).inputValue()).toBe('New Person');
    expect(await form.getByLabel('Role').inputValue()).toBe('analyst');
    // Fix the one field and send again: created, and the form is empty for the next person.
    await form.getByLabel(/Initial password/).fill('Orchid-lantern-quarry-2026');
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => form.locator('.alert').textContent()).toContain('Created new.person@formco.test as analyst');
    expect(await form.getByLabel('Email').inputValue()).toBe('');
    await page.context().close();
  });

  it('the retraining settings show the saved schedule after saving, without a reload', async () => {
    const page = await signedInPage(browser, 'admin@formco.test');
    await page.goto('/settings');
    const form = page.getByTestId('retraining-form');
    const schedule = form.getByLabel(/Schedule/);
    const before = await schedule.inputValue();
    const next = before === 'weekly' ? 'monthly' : 'weekly';
    await schedule.selectOption(next);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.locator('.alert').textContent()).toContain(`Auto-retraining: ${next}`);
    expect(await schedule.inputValue()).toBe(next);
    await page.context().close();
  });

  it('the holiday calendar follows an import without a reload, and the form shows the calendar it set', async () => {
    const page = await signedInPage(browser, 'admin@calco.test');
    await page.goto('/data');
    const base = page.getByTestId('holiday-form').getByLabel('Start from');
    // A new tenant has no data, so no holidays yet.
    expect(await base.inputValue()).toBe('none');
    await page.getByLabel('One CSV with a column mapping').check();
    await page.getByTestId('generic-file').setInputFiles(WALMART_CSV);
    await page.waitForSelector('[data-testid=mapping]');
    await page.getByLabel('Use of column Store').selectOption('key');
    await page.getByLabel('Use of column Holiday_Flag').selectOption('numeric');
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect.poll(() => page.getByTestId('profile-key-store').textContent().catch(() => null), { timeout: 60_000 }).toBe('45');
    // Walmart's Holiday_Flag marks the US retail holidays: the calendar follows the data, and so does the form.
    await expect.poll(() => page.getByTestId('holiday-calendar').textContent()).toContain('us-retail');
    expect(await base.inputValue()).toBe('us-retail');

    // Setting another calendar: the form shows it after saving.
    await base.selectOption('none');
    await page.getByTestId('holiday-form').getByRole('button', { name: 'Set calendar' }).click();
    await expect.poll(() => page.getByTestId('holiday-form').locator('.alert').textContent()).toContain('Holiday calendar set: none');
    expect(await base.inputValue()).toBe('none');
    expect(await page.getByTestId('holiday-calendar').textContent()).toContain('set for your organisation');
    await page.context().close();
  });

  it('the platform form shows the plan it set for a tenant', async () => {
    const page = await signedInPage(browser, 'platform@foresight.test');
    const row = page.getByTestId('tenant-row-formco');
    const plan = row.getByLabel('Plan of formco');
    expect(await plan.inputValue()).toBe('enterprise');
    await plan.selectOption('pro');
    await row.getByRole('button', { name: 'Set plan' }).click();
    await expect.poll(() => row.locator('.alert').textContent().catch(() => '')).toContain('formco is now on pro');
    expect(await plan.inputValue()).toBe('pro');
    await page.context().close();
  });
});
