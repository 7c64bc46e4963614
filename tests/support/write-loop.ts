// Child process for the crash test: writes numbered documents to one file forever, and reports
// each sequence number on stdout only after its write has returned (completed).
import { FileStorage } from '../../lib/storage/fs-storage';

const file = process.argv[2];
const store = new FileStorage();
const payload = 'x'.repeat(64 * 1024);

async function main(): Promise<void> {
  for (let seq = 1; ; seq++) {
    await store.writeJson(file, { seq, payload, check: seq * 7 });
    process.stdout.write(`${seq}\n`);
  }
}
void main();
