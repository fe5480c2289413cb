import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Addresses a webhook must not reach unless the operator allows it: loopback, private (RFC 1918,
 * unique local), link-local (cloud metadata services live there), carrier-grade NAT, benchmark,
 * multicast, reserved and unspecified ranges.
 */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv6');
}

/** True for an address a webhook may not be sent to by default. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return INTERNAL.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return INTERNAL.check(mapped[1], 'ipv4');
  return INTERNAL.check(address, 'ipv6');
}

/**
 * Why a webhook URL is refused at registration, or null. A host name is checked when sending
 * (after DNS, on the address actually connected to), so a name that later resolves inward is
 * caught too.
 */
export function webhookUrlProblem(url: string, allowInternal: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'url must be an http(s) URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'url must be an http(s) URL';
  if (u.username || u.password) return 'url must not carry credentials; use the signing secret';
  if (allowInternal) return null;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'url must not point at this machine';
  if (isIP(host) && isInternalAddress(host)) {
    return 'url points at a loopback, private or link-local address (set WEBHOOK_ALLOW_PRIVATE_TARGETS to allow)';
  }
  return null;
}

export class InternalTargetError extends Error {
  constructor(address: string) {
    super(`target address ${address} is internal (loopback/private/link-local); refused`);
  }
}

/** A DNS lookup that refuses internal addresses (the check sits where the socket connects). */
function guardedLookup(allowInternal: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 4);
      const bad = allowInternal ? undefined : addresses.find((a) => isInternalAddress(a.address));
      if (bad) return callback(new InternalTargetError(bad.address), '', 4);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`no address for ${hostname}`), '', 4);
      callback(null, first.address, first.family);
    });
  };
}

export interface PostResult {
  status: number | null;
  error: string | null;
}

/**
 * POSTs a JSON body with a timeout, no redirects followed (a 3xx is a failed delivery), the
 * response body read and discarded up to 64 KiB. IP-literal URLs are checked here too, since no
 * DNS lookup happens for them.
 */
export function postJson(
  url: string,
  headers: Record<string, string>,
  body: string,
  opts: { timeoutMs: number; allowInternal: boolean },
): Promise<PostResult> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      resolve({ status: null, error: 'invalid url' });
      return;
    }
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (!opts.allowInternal && isIP(host) && isInternalAddress(host)) {
      resolve({ status: null, error: new InternalTargetError(host).message });
      return;
    }
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    let done = false;
    const finish = (r: PostResult): void => {
      if (done) return;
      done = true;
      resolve(r);
    };
    const req = send(
      u,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
        lookup: guardedLookup(opts.allowInternal),
        timeout: opts.timeoutMs,
      },
      (res) => {
        let seen = 0;
        res.on('data', (c: Buffer) => {
          seen += c.length;
          if (seen > 64 * 1024) res.destroy();
        });
        res.on('end', () => finish({ status: res.statusCode ?? null, error: null }));
        res.on('close', () => finish({ status: res.statusCode ?? null, error: null }));
        res.on('error', () => finish({ status: res.statusCode ?? null, error: null }));
      },
    );
    // `timeout` covers an idle socket; this caps the whole exchange (a slow drip included).
    const cap = setTimeout(
      () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', (err) => finish({ status: null, error: err.message }));
    req.on('close', () => clearTimeout(cap));
    req.end(body);
  });
}
