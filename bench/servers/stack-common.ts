/**
 * What every full-stack server of `bench/stack.js` does, the same way (issue: "peers doing
 * the same work"):
 *
 * - GET /form: reads the session's counter and renders a small HTML form carrying a CSRF token;
 * - POST /form: a JSON body, CSRF-checked (the token in a header), adds 1 to the session's
 *   counter (a session write) and answers JSON;
 * - GET /me: loads the logged-in user from the session's user id and renders a greeting
 *   (302 to the login page when there is none);
 * - GET /seed: logs the user in (user id in the session, counter 0) and answers
 *   `{ "token": "<csrf token>" }`, so the load generator holds a browser's cookies and token.
 *
 * Each framework uses its own session (signed or encrypted cookie, or its default store),
 * CSRF protection and security headers, at their defaults.
 */
export interface BenchUser {
  id: string;
  username: string;
}

export const USERS = new Map<string, BenchUser>([['1', { id: '1', username: 'ann' }]]);

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export const formPage = (token: string, n: number) =>
  `<!doctype html><title>Form</title><form method="post"><input type="hidden" name="csrf" value="${escapeHtml(token)}"><p>Saved ${n} times</p><button>Save</button></form>`;

export const mePage = (user: BenchUser) => `<!doctype html><title>Me</title><p>Hello, ${escapeHtml(user.username)}</p>`;

/**
 * helmet's options when HEADERS=rondo: only the headers Rondo's default stack sends
 * (X-Frame-Options DENY, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy
 * same-origin), so the peers' header work matches Rondo's; otherwise helmet's defaults.
 */
export const HELMET_OPTIONS =
  process.env.HEADERS === 'rondo'
    ? {
        contentSecurityPolicy: false,
        crossOriginResourcePolicy: false,
        originAgentCluster: false,
        strictTransportSecurity: false,
        xDnsPrefetchControl: false,
        xDownloadOptions: false,
        xPermittedCrossDomainPolicies: false,
        xXssProtection: false,
        xFrameOptions: { action: 'deny' as const },
        referrerPolicy: { policy: 'same-origin' as const },
        crossOriginOpenerPolicy: { policy: 'same-origin' as const },
      }
    : {};

/** 32 bytes: secure-session's key, express-session's and Rondo's secrets. */
export const SECRET = 'bench-stack-secret-key-0123456789abcdef-0123456789';

declare module '@fastify/secure-session' {
  interface SessionData {
    n: number;
    userId: string;
  }
}
