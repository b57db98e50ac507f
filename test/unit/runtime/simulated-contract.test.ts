import { realClock } from '../../../src-main/engine/clock.js';
import { SimulatedRuntime } from '../../../src-main/engine/runtime/simulated/simulated-runtime.js';
import { runtimeContract } from './contract.js';

const IMAGE = 'kubedesk-test/busybox:1';
const PAUSE = 'kubedesk-test/pause:1';

runtimeContract('simulated', () => new SimulatedRuntime({ clock: realClock, images: [IMAGE, PAUSE] }), {
  image: IMAGE,
  pauseImage: PAUSE,
  missingImage: 'kubedesk-test/nothing:missing',
});
