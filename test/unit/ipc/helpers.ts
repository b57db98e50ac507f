import { Engine } from '../../../src-main/engine/index.js';
import { BridgeHandler } from '../../../src-main/bridge/handler.js';
import type { SubscriptionMessage } from '../../../src-main/ipc/contract.js';

export async function startBridge(): Promise<{
  engine: Engine;
  bridge: BridgeHandler;
  messages: SubscriptionMessage[];
  session: ReturnType<BridgeHandler['openSession']>;
}> {
  const engine = await Engine.start();
  const bridge = new BridgeHandler({ engine, version: '9.9.9' });
  const messages: SubscriptionMessage[] = [];
  const session = bridge.openSession((m) => messages.push(m));
  return { engine, bridge, messages, session };
}

export async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;
