import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isWildcardDNS1123Subdomain,
} from '../../../src-main/engine/api/names.js';

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
const inner = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split(''));
/** A valid DNS-1123 label of 1..63 characters. */
const label = fc
  .tuple(alnum, fc.array(inner, { maxLength: 61 }), alnum, fc.boolean())
  .map(([a, mid, z, single]) => (single ? a : a + mid.join('') + z));
const subdomain = fc
  .array(label, { minLength: 1, maxLength: 4 })
  .map((ls) => ls.join('.'))
  .filter((s) => s.length <= 253);

describe('names (k8s.io/apimachinery/pkg/util/validation)', () => {
  it('accepts every generated DNS-1123 label and subdomain', () => {
    fc.assert(fc.property(label, (l) => isDNS1123Label(l).length === 0 && isDNS1123Subdomain(l).length === 0));
    fc.assert(fc.property(subdomain, (s) => isDNS1123Subdomain(s).length === 0));
  });

  it('rejects any name containing an uppercase letter or an underscore', () => {
    const bad = fc
      .tuple(label, fc.constantFrom('A', 'Z', '_'), fc.nat())
      .map(([l, ch, at]) => l.slice(0, at % (l.length + 1)) + ch + l.slice(at % (l.length + 1)));
    fc.assert(fc.property(bad, (n) => isDNS1123Label(n).length > 0 && isDNS1123Subdomain(n).length > 0));
  });

  it('limits labels to 63 and subdomains to 253 characters', () => {
    expect(isDNS1123Label('a'.repeat(63))).toEqual([]);
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
    expect(isDNS1123Subdomain('a'.repeat(253))).toEqual([]);
    expect(isDNS1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
    fc.assert(fc.property(fc.integer({ min: 254, max: 400 }), (n) => isDNS1123Subdomain('a'.repeat(n)).length === 1));
  });

  it('words the subdomain error exactly as Kubernetes does', () => {
    expect(isDNS1123Subdomain('Foo_bar')).toEqual([
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
  });

  it('words the label error with upstream double space between examples', () => {
    expect(isDNS1123Label('a.b')).toEqual([
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('requires DNS-1035 labels (service names) to start with a letter', () => {
    expect(isDNS1035Label('web')).toEqual([]);
    expect(isDNS1035Label('1web')[0]).toMatch(/^a DNS-1035 label must consist of lower case alphanumeric/);
  });

  it('accepts qualified names with an optional DNS prefix and rejects malformed ones', () => {
    expect(isQualifiedName('app')).toEqual([]);
    expect(isQualifiedName('app.kubernetes.io/name')).toEqual([]);
    expect(isQualifiedName('My_Name.1')).toEqual([]);
    expect(isQualifiedName('/name')).toEqual(['prefix part must be non-empty']);
    expect(isQualifiedName('a/b/c')[0]).toMatch(/^a qualified name must consist of/);
    expect(isQualifiedName('Example.com/x')[0]).toMatch(/^prefix part a lowercase RFC 1123 subdomain/);
    expect(isQualifiedName('a'.repeat(64))).toEqual(['name part must be no more than 63 characters']);
    expect(isQualifiedName('-x')[0]).toMatch(/^name part must consist of alphanumeric characters/);
  });

  it('accepts empty or well-formed label values up to 63 characters', () => {
    const value = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);
    fc.assert(fc.property(value, (v) => isValidLabelValue(v).length === 0));
    expect(isValidLabelValue('')).toEqual([]);
    expect(isValidLabelValue('x'.repeat(64))).toContain('must be no more than 63 characters');
    expect(isValidLabelValue('has space')[0]).toMatch(/^a valid label must be an empty string/);
  });

  it('checks C identifiers, env var names, config keys and wildcard hosts', () => {
    expect(isCIdentifier('MY_VAR')).toEqual([]);
    expect(isCIdentifier('1abc')[0]).toMatch(/^a valid C identifier/);
    expect(isEnvVarName('my.env-name')).toEqual([]);
    expect(isEnvVarName('1X')[0]).toMatch(/^a valid environment variable name/);
    expect(isEnvVarName('..')).toEqual(["must not be '..'"]);
    expect(isConfigMapKey('key.name')).toEqual([]);
    expect(isConfigMapKey('a/b')[0]).toMatch(/^a valid config key must consist of alphanumeric characters/);
    expect(isWildcardDNS1123Subdomain('*.example.com')).toEqual([]);
    expect(isWildcardDNS1123Subdomain('a.*.com')).toHaveLength(1);
  });

  it('checks IANA service (port) names', () => {
    expect(isValidPortName('http')).toEqual([]);
    expect(isValidPortName('a-very-long-port-name')).toContain('must be no more than 15 characters');
    expect(isValidPortName('8080')).toEqual(['must contain at least one letter (a-z)']);
    expect(isValidPortName('a--b')).toEqual(['must not contain consecutive hyphens']);
    expect(isValidPortName('-ab')).toEqual(['must not begin or end with a hyphen']);
    expect(isValidPortName('HTTP')).toContain('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  });
});
