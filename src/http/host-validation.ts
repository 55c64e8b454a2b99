/**
 * Host and scheme trust, as Django's ALLOWED_HOSTS and SECURE_PROXY_SSL_HEADER: which Host
 * headers this site answers to, and when a proxy's X-Forwarded-* headers are believed.
 * Compiled once per app from settings.
 */

export interface HostPolicyInit {
  allowedHosts: readonly string[];
  debug: boolean;
  /** ['X-Forwarded-Proto', 'https']: the header and value a trusted proxy sets for HTTPS. */
  secureProxySslHeader: readonly string[];
  useXForwardedHost: boolean;
  /** Addresses of proxies whose X-Forwarded-For is believed. */
  trustedProxies: readonly string[];
}

/** Host syntax (RFC 3986 reg-name or IP literal, optional port). */
const HOST_SYNTAX = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(:[0-9]+)?$/i;

export class HostPolicy {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly any: boolean;
  readonly proxyHeader: string | undefined;
  readonly proxyValue: string | undefined;
  readonly useXForwardedHost: boolean;
  readonly trustedProxies: ReadonlySet<string>;

  constructor(init: HostPolicyInit) {
    // Django: with an empty list, debug allows the local names and production allows none.
    const hosts =
      init.allowedHosts.length === 0 && init.debug ? ['localhost', '127.0.0.1', '[::1]'] : init.allowedHosts;
    this.any = hosts.includes('*');
    for (const host of hosts) {
      const lower = host.toLowerCase();
      if (lower.startsWith('.')) this.suffixes.push(lower);
      else this.exact.add(lower);
    }
    this.proxyHeader = init.secureProxySslHeader[0]?.toLowerCase();
    this.proxyValue = init.secureProxySslHeader[1];
    this.useXForwardedHost = init.useXForwardedHost;
    this.trustedProxies = new Set(init.trustedProxies);
  }

  /**
   * Host header values already found allowed (clients repeat the same few): a comparison
   * with the last one (a header value is a new string each request, and a Set lookup
   * hashes it), else a Set lookup.
   */
  private readonly allowedSeen = new Set<string>();
  private lastAllowed: string | undefined;

  /** Why `host` (a Host header value) is refused, or undefined when it is allowed. */
  problem(host: string, extraAllowed?: string): string | undefined {
    if (host === this.lastAllowed) return undefined;
    if (this.allowedSeen.has(host)) {
      this.lastAllowed = host;
      return undefined;
    }
    const problem = this.check(host, extraAllowed);
    if (problem === undefined && extraAllowed === undefined && this.allowedSeen.size < 1000) {
      this.allowedSeen.add(host);
      this.lastAllowed = host;
    }
    return problem;
  }

  private check(host: string, extraAllowed?: string): string | undefined {
    if (!HOST_SYNTAX.test(host))
      return `Invalid HTTP_HOST header: '${host.slice(0, 100)}'. The domain name provided is not valid according to RFC 1034/1035.`;
    if (this.any) return undefined;
    const name = host
      .toLowerCase()
      .replace(/:[0-9]+$/, '')
      .replace(/\.$/, '');
    if (this.exact.has(name) || name === extraAllowed) return undefined;
    if (this.suffixes.some((suffix) => name.endsWith(suffix) || name === suffix.slice(1))) return undefined;
    return `Invalid HTTP_HOST header: '${host.slice(0, 100)}'. You may need to add '${name}' to allowedHosts.`;
  }
}
