// Child process for the kill test: runs a retraining cycle whose training takes long, and says
// when training has started so the parent can kill it mid-way.
import { runRetrainCycle } from '@/lib/retraining/cycle';
import { SYSTEM_ACTOR } from '@/lib/audit';
import { fakeDeps } from './fake-cycle-deps';

const champion = { wape: 0.3, segments: [] };
void runRetrainCycle('shop', fakeDeps({ wape: 0.1 }, champion, 60_000), SYSTEM_ACTOR, 'test', (_d, _t, m) => {
  if (m === 'training') process.stdout.write('training\n');
});
