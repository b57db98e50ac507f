import Dockerode from 'dockerode';
import { ensureNetworkImage } from '../../fixtures/images.js';
const d = new Dockerode();
const t0 = Date.now();
await ensureNetworkImage(d);
console.log('built in', Date.now() - t0);
