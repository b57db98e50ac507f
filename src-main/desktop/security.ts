// Electron hardening that applies to every window and webContents, following Electron's security
// checklist (https://www.electronjs.org/docs/latest/tutorial/security): a strict CSP, no permission
// grants, no navigation away from the app, no new windows, no <webview>.
import { app, session, shell } from 'electron';

/** Must stay identical to the meta tag in src-renderer/index.html, which covers file:// loads. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self' ws://127.0.0.1:* https://127.0.0.1:*",
  "img-src 'self' data:",
].join('; ');

/** Opens http(s) links in the user's browser; any other scheme (file:, javascript:, …) is dropped. */
function openExternally(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return;
  }
  if (protocol === 'https:' || protocol === 'http:') void shell.openExternal(url);
}

/** Call once, before the first window is created. */
export function hardenApp(): void {
  const ses = session.defaultSession;

  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });

  // Nothing in KubeDesk needs the camera, notifications, geolocation, …: refuse all of them.
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      event.preventDefault();
      openExternally(url);
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      openExternally(url);
      return { action: 'deny' };
    });
  });
}
