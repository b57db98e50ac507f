import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const RENDERER_DIR = 'out/renderer';

/** The tests drive the built renderer; build it when there is none (npm test builds beforehand). */
export default function setup(): void {
  if (existsSync(`${RENDERER_DIR}/index.html`)) return;
  console.log(`${RENDERER_DIR} is missing: running npm run build first`);
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
}
