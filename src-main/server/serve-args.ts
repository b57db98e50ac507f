import { parseArgs } from 'node:util';
import { defaultDataDir } from './data-dir.js';

export const SERVE_USAGE = `Usage: node out/main/serve.js [--data-dir DIR]

Runs the KubeDesk engine without the desktop app.

Options:
  --data-dir DIR  where the cluster's store lives (default: ${defaultDataDir()})
  -h, --help      show this help`;

export type ServeCommand =
  { kind: 'run'; dataDir: string } | { kind: 'help' } | { kind: 'usage-error'; message: string };

/** Parses serve's command line; never throws, so the caller decides how to report and exit. */
export function parseServeArgs(argv: string[]): ServeCommand {
  let values: { 'data-dir'?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // node:util's messages already name the offending flag ("Unknown option '--port'").
    return { kind: 'usage-error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  const dataDir = values['data-dir'];
  if (dataDir !== undefined && dataDir.trim() === '') {
    return { kind: 'usage-error', message: '--data-dir needs a folder path, got an empty string' };
  }
  return { kind: 'run', dataDir: dataDir ?? defaultDataDir() };
}
