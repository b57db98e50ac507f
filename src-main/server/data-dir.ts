import os from 'node:os';
import path from 'node:path';

/**
 * The per-user application-data folder, as Electron's `app.getPath('appData')` resolves it, so that
 * `npm run serve` and the desktop app share one store without the engine importing Electron:
 * %APPDATA% on Windows, ~/Library/Application Support on macOS, $XDG_CONFIG_HOME or ~/.config
 * elsewhere.
 */
export function appDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') return env['APPDATA'] || path.win32.join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support');
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env['XDG_CONFIG_HOME'];
  return xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.config');
}

/** Where KubeDesk keeps its store when no `--data-dir` is given. */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  return join(appDataDir(platform, env, home), 'KubeDesk');
}
