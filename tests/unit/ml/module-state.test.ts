import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/**
 * What a file's top level holds that configures the module rather than an instance: exported
 * set... functions (or set... constants) and mutable bindings (let / var), the two halves of a
 * module-level hook.
 */
function moduleHooks(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const setter = /^set[A-Z]/;
  for (const statement of source.statements) {
    const line = source.getLineAndCharacterOfPosition(statement.getStart()).line + 1;
    if (ts.isFunctionDeclaration(statement) && statement.name && setter.test(statement.name.text)) {
      found.push(`${file}:${line} function ${statement.name.text}`);
    }
    if (ts.isVariableStatement(statement)) {
      const mutable = (statement.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) !== ts.NodeFlags.Const;
      for (const d of statement.declarationList.declarations) {
        const name = d.name.getText(source);
        if (mutable) found.push(`${file}:${line} mutable ${name}`);
        else if (setter.test(name)) found.push(`${file}:${line} const ${name}`);
      }
    }
  }
  return found;
}

describe('ml/trees has no module-level configuration', () => {
  it('finds a set... hook and module state where there is one', () => {
    expect(moduleHooks('a.ts', 'let builder = null;\nexport function setBuilder(b) { builder = b; }\nconst x = 1;')).toEqual(['a.ts:1 mutable builder', 'a.ts:2 function setBuilder']);
    expect(moduleHooks('b.ts', 'export const setScanner = (s) => s;\nvar n = 0;\nconst kernels = Object.freeze({});')).toEqual(['b.ts:1 const setScanner', 'b.ts:2 mutable n']);
  });

  it('kernels come in a TreeKernels object: no set... hook or mutable binding at the top of any file', () => {
    const files = sources('ml/trees');
    expect(files.length).toBeGreaterThan(15);
    const hooks = files.flatMap((f) => moduleHooks(f, readFileSync(path.join(ROOT, f), 'utf8')));
    expect(hooks).toEqual([]);
  });
});
