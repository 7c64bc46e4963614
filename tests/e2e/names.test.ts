import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';
import { api, makeKey } from '../support/http';
import { ensureProductionModel } from '../support/demo-model';

// Issue 13, item 3: products and stores by name, found by name or id in any case.

let browser: Browser;
/** Per item id of the demo: its catalogue subclass, its category and the stores selling it. */
const items = new Map<string, { subclass: string; category: string; stores: Set<string> }>();
beforeAll(async () => {
  browser = await launch();
  await ensureProductionModel('demo');
  process.env.FORESIGHT_HOME = inject('home');
  const { loadTable } = await import('@/lib/datasets/store');
  const { table } = (await loadTable('demo'))!;
  const [sk, ik] = [table.keyNames.indexOf('store'), table.keyNames.indexOf('item')];
  const at = (col: string, row: number) => table.categorical[col].vocab[table.categorical[col].codes[row]];
  for (let s = 0; s < table.seriesStart.length - 1; s++) {
    const id = table.keyVocab[ik][table.seriesKeys[ik][s]];
    const row = table.seriesStart[s + 1] - 1;
    const entry = items.get(id) ?? { subclass: at('subclass_name', row), category: at('dept_name', row), stores: new Set<string>() };
    entry.stores.add(table.keyVocab[sk][table.seriesKeys[sk][s]]);
    items.set(id, entry);
  }
});
afterAll(async () => {
  await browser?.close();
});

/** The item ids the Forecasts item picker offers (a label `name (id)` or a bare id). */
async function offeredItems(page: Page): Promise<string[]> {
  const values = await page.locator('datalist#items option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  return values.map((v) => /\(([^()]+)\)$/.exec(v)?.[1] ?? v);
}

describe('products and stores by name', () => {
  it('an item id copied from Analysis reads as stored (not upper-cased), and Forecasts finds it whatever its case, showing its name', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    await page.goto('/analysis');
    const cell = page.getByTestId('top-products-table').locator('tbody tr').first().locator('th');
    await expect.poll(() => cell.count(), { timeout: 60_000 }).toBe(1);
    const shown = await cell.innerText();
    expect(items.has(shown), `Analysis shows "${shown}"`).toBe(true);
    // The name is beside the id in the table.
    expect(await page.getByTestId('top-products-table').locator('tbody tr').first().textContent()).toContain(items.get(shown)!.subclass);

    // As a person would have copied it from an upper-cased table: the same item, by name.
    await page.goto(`/forecasts?item=${shown.toUpperCase()}&horizon=14`);
    await expect.poll(() => page.locator('#chart-title').textContent().catch(() => ''), { timeout: 60_000 }).toContain(shown);
    expect(await page.locator('#chart-title').textContent()).toContain(items.get(shown)!.subclass);
    expect(await page.getByTestId('forecast-error').count()).toBe(0);
    // The picker shows the item by name and id.
    expect(await page.getByTestId('item-picker').inputValue()).toBe(`${items.get(shown)!.subclass} (${shown})`);
    await page.context().close();
  });

  it('the pickers show stores by city and format, offer only the items sold in the chosen store and category, and the first one forecasts', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    await page.goto('/forecasts');
    const storeOption = page.getByLabel('Store').locator('option[value="1"]');
    expect(await storeOption.textContent()).toContain('Москва');

    const store = '3';
    const category = [...new Set([...items.values()].map((i) => i.category))].sort()[0];
    const expected = [...items].filter(([, i]) => i.stores.has(store) && i.category === category).map(([id]) => id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(items.size);
    await page.getByLabel('Store').selectOption(store);
    await page.waitForURL((u) => u.searchParams.get('store') === store, { timeout: 30_000 });
    await page.getByLabel('Category').selectOption(category);
    await page.waitForURL((u) => u.searchParams.get('category') === category, { timeout: 30_000 });
    await expect.poll(async () => (await offeredItems(page)).sort()).toEqual([...expected].sort());

    const first = await page.locator('datalist#items option').first().getAttribute('value');
    await page.getByLabel('Item (type to search)').fill(first!);
    const id = (await offeredItems(page))[0];
    await page.waitForURL((u) => u.searchParams.get('item') === id, { timeout: 30_000 });
    await expect.poll(() => page.locator('#chart-title').textContent().catch(() => ''), { timeout: 60_000 }).toContain('(1 series)');
    expect(await page.getByTestId('forecast-empty').count()).toBe(0);

    // An id typed in capitals in the box finds the item too.
    const other = expected.at(-1)!;
    await page.getByLabel('Item (type to search)').fill(other.toUpperCase());
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((u) => u.searchParams.get('item') === other, { timeout: 30_000 });
    await expect.poll(() => page.locator('#chart-title').textContent().catch(() => ''), { timeout: 60_000 }).toContain(items.get(other)!.subclass);
    await page.context().close();
  });

  it('the executive PDF names the stores by city and format and the best sellers by name, with their ids', async () => {
    const key = await makeKey('demo', 'manager');
    const res = await api('/api/v1/reports/executive.pdf', { key });
    expect(res.status).toBe(200);
    const text = spawnSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(await res.arrayBuffer()) }).stdout.toString('utf8');
    const storesSection = text.slice(text.indexOf('Stores, last 30 days'));
    expect(storesSection).toMatch(/1 \(Москва, Гипермаркет\)/);
    expect(storesSection).toMatch(/3 \(Тверь, Магазин у дома\)/);
    const best = text.slice(text.indexOf('Best sellers'), text.indexOf('Stores, last 30 days'));
    const named = [...items].filter(([id, i]) => best.includes(`${i.subclass} (${id})`));
    expect(named.length).toBeGreaterThanOrEqual(5);
  });
});
