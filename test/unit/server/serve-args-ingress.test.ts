import { describe, it, expect } from 'vitest';
import { parseServeArgs } from '../../../src-main/server/serve-args.js';

describe('serve --ingress-port / --ingress-https-port', () => {
  it('are optional and absent by default (the cluster then uses 8080 and 8443)', () => {
    const run = parseServeArgs([]);
    expect(run).toMatchObject({ kind: 'run' });
    expect('ingressPort' in run).toBe(false);
  });

  it('take a port number, 0 meaning any free port', () => {
    expect(parseServeArgs(['--ingress-port', '0', '--ingress-https-port', '9443'])).toMatchObject({
      kind: 'run',
      ingressPort: 0,
      ingressHttpsPort: 9443,
    });
  });

  it('reject anything that is not a port, naming the flag', () => {
    expect(parseServeArgs(['--ingress-port', '80a'])).toEqual({
      kind: 'usage-error',
      message: '--ingress-port needs a port number from 0 to 65535, got "80a"',
    });
    expect(parseServeArgs(['--ingress-https-port', '70000'])).toMatchObject({ kind: 'usage-error' });
  });
});
