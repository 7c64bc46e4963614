import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');
const ONE_FILE = path.join('lib', 'process-state.ts');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|tsx|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Lines where the code (not a comment or a string) names `globalThis`. */
function globalThisUses(file: string): number[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const lines: number[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === 'globalThis') lines.push(source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

describe('process-wide state', () => {
  it('lives in lib/process-state.ts only: no other source under lib, ml, scripts, app or components names globalThis', () => {
    const files = [...['lib', 'ml', 'scripts', 'app', 'components'].flatMap(sources), 'instrumentation.ts', 'proxy.ts'];
    expect(files).toContain(ONE_FILE);
    const offenders = files.filter((f) => f !== ONE_FILE).flatMap((f) => globalThisUses(f).map((line) => `${f}:${line}`));
    expect(offenders).toEqual([]);
    // The scan does see a use where there is one.
    expect(globalThisUses(ONE_FILE).length).toBeGreaterThan(0);
  });

  it('gives every copy of a module the same value, created once', async () => {
    // Next.js loads a module once per bundle layer: two fresh imports stand for two copies.
    const first = await import('@/lib/process-state');
    vi.resetModules();
    const second = await import('@/lib/process-state');
    expect(second).not.toBe(first);
    const init = vi.fn(() => ({ calls: 0 }));
    const a = first.processSingleton('test.shared-counter', init);
    const b = second.processSingleton('test.shared-counter', init);
    expect(b).toBe(a);
    expect(init).toHaveBeenCalledTimes(1);
    expect(second.processSingleton('test.other-name', () => 'other')).toBe('other');
  });

  it('importing the serving modules, even inside the Next.js server, subscribes to nothing (instrumentation.ts starts the warm-up)', async () => {
    const { processSingleton } = await import('@/lib/process-state');
    const { subscribeProductionChange } = await import('@/lib/registry/events');
    subscribeProductionChange(() => {})(); // the listener set exists, and is empty again
    const listeners = processSingleton('registry.production-listeners', () => new Set<unknown>());
    const before = listeners.size;
    const runtime = process.env.NEXT_RUNTIME;
    process.env.NEXT_RUNTIME = 'nodejs';
    try {
      vi.resetModules();
      const service = await import('@/lib/forecast/service');
      await import('@/lib/forecast/serving');
      await import('@/lib/cache');
      expect(listeners.size).toBe(before);
      service.startForecastWarmUp();
      service.startForecastWarmUp();
      expect(listeners.size).toBe(before + 1);
    } finally {
      if (runtime === undefined) delete process.env.NEXT_RUNTIME;
      else process.env.NEXT_RUNTIME = runtime;
    }
  });
});
