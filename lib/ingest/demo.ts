/**
 * Writes the demo files (ml/data/generator.ts) into a directory: the 8 CSV files plus
 * `ground_truth.json`. The only file I/O of the demo; the generator itself stays pure.
 */
// Raw fs, not lib/storage: the demo files go to a directory the user names, as input to import.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateRetailDemo, RETAIL_FILES, type RetailDemoOptions, type RetailGroundTruth } from '@/ml/data/generator';

export const GROUND_TRUTH_FILE = 'ground_truth.json';

/** Generates and writes the demo; returns the paths written and the ground truth. */
export async function writeRetailDemo(dir: string, options: Partial<RetailDemoOptions> = {}): Promise<{ files: string[]; groundTruth: RetailGroundTruth }> {
  const demo = generateRetailDemo(options);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const name of RETAIL_FILES) {
    const p = path.join(dir, name);
    await writeFile(p, demo.files[name], 'utf8');
    files.push(p);
  }
  const gt = path.join(dir, GROUND_TRUTH_FILE);
  await writeFile(gt, `${JSON.stringify(demo.groundTruth, null, 2)}\n`, 'utf8');
  files.push(gt);
  return { files, groundTruth: demo.groundTruth };
}
