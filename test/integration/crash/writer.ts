// Child process for the crash test: writes ConfigMaps through the engine as fast as it can, with
// many writes in flight, and prints the name of each one as soon as it is acknowledged.
import { startEngine } from '../../../src-main/engine/index.js';

const dataDir = process.argv[2];
const prefix = process.argv[3];
const engine = await startEngine({ dataDir, compactAfterBytes: 64 * 1024 });
process.stdout.write('READY\n');
let n = 0;
const inFlight = new Set<Promise<void>>();
for (;;) {
  while (inFlight.size < 32) {
    const name = `${prefix}-${n++}`;
    const p = engine.api
      .create(
        { group: '', resource: 'configmaps', namespace: 'default' },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, labels: { run: prefix } },
          data: { n: String(n), pad: 'x'.repeat(200) },
        },
      )
      .then(() => {
        process.stdout.write(`ACK ${name}\n`);
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    // Also update and delete some earlier objects, so the journal holds every kind of record.
    if (n % 7 === 0 && n > 10) {
      const victim = `${prefix}-${n - 10}`;
      // Announce the attempt first: a delete that was durable but not yet acknowledged may be seen.
      process.stdout.write(`TRY ${victim}\n`);
      const d = engine.api
        .delete({ group: '', resource: 'configmaps', namespace: 'default', name: victim })
        .then(() => {
          process.stdout.write(`DEL ${victim}\n`);
        })
        .catch(() => undefined)
        .finally(() => inFlight.delete(d));
      inFlight.add(d);
    }
  }
  await Promise.race(inFlight);
}
