/**
 * Browser mode serves this computer and nothing else: which addresses count as loopback, and the
 * address the server may bind. Anything else is refused before a socket is opened.
 */
import dns from 'node:dns/promises';
import net from 'node:net';

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4'); // also matches IPv4-mapped IPv6 (::ffff:127.0.0.1)
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether `address` is a literal IP address on the loopback interface (127.0.0.0/8, ::1). */
export function isLoopbackAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return LOOPBACK.check(address, 'ipv4');
  if (family === 6) return LOOPBACK.check(address, 'ipv6');
  return false;
}

/** A host that is not this computer's loopback: browser mode would be reachable from the network. */
export class NotLoopbackError extends Error {
  readonly host: string;

  constructor(host: string, resolved?: string) {
    super(
      `Storydesk's browser mode listens on this computer only (127.0.0.1, ::1 or localhost), not on ${JSON.stringify(host)}` +
        (resolved ? ` (which resolves to ${resolved})` : '') +
        ': anyone who could reach it could read and change the library.',
    );
    this.name = 'NotLoopbackError';
    this.host = host;
  }
}

/**
 * The loopback address to bind for `host`: a loopback IP as given (brackets around IPv6 are
 * dropped), or what `localhost` resolves to, checked, since a hosts file may point it elsewhere.
 */
export async function loopbackAddressFor(host: string): Promise<string> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isLoopbackAddress(bare)) return bare;
  if (bare.toLowerCase() !== 'localhost') throw new NotLoopbackError(host);
  const { address } = await dns.lookup('localhost');
  if (!isLoopbackAddress(address)) throw new NotLoopbackError(host, address);
  return address;
}

/** `::1` → `[::1]`: an address as it stands in a URL or a Host header. */
export function hostForUrl(address: string): string {
  return net.isIPv6(address) ? `[${address}]` : address;
}
