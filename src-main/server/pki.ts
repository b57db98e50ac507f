// TLS for the Kubernetes API. kubectl will not send a bearer token over plain HTTP, so the API is
// HTTPS only: a self-signed CA (embedded in the kubeconfig as certificate-authority-data) and a
// serving certificate for 127.0.0.1, ::1 and localhost, generated at first start and reused. Keys
// are made by node:crypto; node-forge only assembles and signs the certificates.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

export interface Pki {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

const FILES = { caCert: 'ca.crt', caKey: 'ca.key', cert: 'apiserver.crt', key: 'apiserver.key' } as const;
const SANS = {
  dns: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
  ips: ['127.0.0.1', '::1'],
};

export async function ensurePki(dataDir: string, now = Date.now()): Promise<Pki> {
  const dir = path.join(dataDir, 'pki');
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const existing = await readExisting(dir, now);
  if (existing) return existing;

  const ca = makeCertificate({ commonName: 'kubedesk-ca', isCa: true, now });
  const server = makeCertificate({ commonName: 'kube-apiserver', isCa: false, now, issuer: ca });
  await writePrivate(path.join(dir, FILES.caKey), ca.keyPem);
  await writePrivate(path.join(dir, FILES.caCert), ca.certPem);
  await writePrivate(path.join(dir, FILES.key), server.keyPem);
  await writePrivate(path.join(dir, FILES.cert), server.certPem);
  return { caCertPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem };
}

async function readExisting(dir: string, now: number): Promise<Pki | null> {
  try {
    const [caCertPem, certPem, keyPem] = await Promise.all(
      [FILES.caCert, FILES.cert, FILES.key].map((f) => fsp.readFile(path.join(dir, f), 'utf8')),
    );
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caCertPem);
    // Regenerate when expiring within a week, or when not signed by this CA (a half-written set).
    if (Date.parse(cert.validTo) - now < 7 * 86_400_000 || !cert.verify(ca.publicKey)) return null;
    return { caCertPem, certPem, keyPem };
  } catch {
    return null;
  }
}

interface Made {
  certPem: string;
  keyPem: string;
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

function makeCertificate(opts: { commonName: string; isCa: boolean; now: number; issuer?: Made }): Made {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const pubPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pubPem);
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  cert.validity.notBefore = new Date(opts.now - 60_000);
  cert.validity.notAfter = new Date(opts.now + (opts.isCa ? 3650 : 825) * 86_400_000);
  const subject = [
    { name: 'commonName', value: opts.commonName },
    { name: 'organizationName', value: 'KubeDesk' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(opts.issuer ? opts.issuer.cert.subject.attributes : subject);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: opts.isCa, critical: true },
    opts.isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (!opts.isCa) {
    extensions.push({ name: 'extKeyUsage', serverAuth: true });
    extensions.push({
      name: 'subjectAltName',
      altNames: [...SANS.dns.map((value) => ({ type: 2, value })), ...SANS.ips.map((ip) => ({ type: 7, ip }))],
    });
  }
  cert.setExtensions(extensions);
  cert.sign(opts.issuer?.key ?? key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem, cert, key };
}

/** Write a secret file readable only by its owner (0600), replacing it atomically. */
export async function writePrivate(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await fsp.writeFile(tmp, content, { mode: 0o600 });
  await fsp.chmod(tmp, 0o600);
  await fsp.rename(tmp, file);
}
