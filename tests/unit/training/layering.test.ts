import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');

/** The repository paths a file imports (relative and '@/' specifiers resolved, packages left out). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return ts.preProcessFile(text, true, true).importedFiles.flatMap(({ fileName }) => {
    if (fileName.startsWith('@/')) return [path.normalize(fileName.slice(2))];
    if (fileName.startsWith('.')) return [path.normalize(path.join(path.dirname(file), fileName))];
    return [];
  });
}

const filesIn = (dir: string): string[] => readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));

describe('training and retraining layers', () => {
  it('nothing under lib/training imports lib/retraining (retraining depends on training)', () => {
    const offending = filesIn('lib/training').flatMap((f) => importsOf(f).filter((p) => p.startsWith('lib/retraining/') || p === 'lib/retraining').map((p) => `${f} -> ${p}`));
    expect(filesIn('lib/training').length).toBeGreaterThan(3);
    expect(offending).toEqual([]);
  });

  it('the training pipeline in ml/training imports only ml/ (and packages)', () => {
    const offending = filesIn('ml/training').flatMap((f) => importsOf(f).filter((p) => !p.startsWith('ml/')).map((p) => `${f} -> ${p}`));
    expect(filesIn('ml/training').length).toBeGreaterThan(4);
    expect(offending).toEqual([]);
  });
});
