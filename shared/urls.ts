/**
 * Web addresses as editors paste them, made comparable: the coverage review reports two sources
 * with the same article under different-looking URLs, and the sources panel stores the canonical
 * form of a pasted address. Nothing here touches the network.
 *
 * The parsing is a small RFC 3986 split rather than the WHATWG `URL` class, which shared/ does
 * not have (it runs without DOM or Node libraries); it needs only what comparison needs.
 */

/** Query parameters that track a click rather than name a page. */
const TRACKING_PARAMETER = /^(?:utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|_gl|ocid|cmpid|smid|sr_share|ref_src|ref_url)$/i;

/** scheme, authority (without user info), path, query; the fragment is dropped. */
const WEB_URL = /^\s*(https?):\/\/(?:[^@/?#\s]*@)?([^/?#\s:]+|\[[0-9a-f:.]+\])(?::(\d*))?([^?#\s]*)(?:\?([^#\s]*))?(?:#\S*)?\s*$/i;

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

interface WebUrl {
  scheme: string;
  host: string;
  port: string;
  path: string;
  parameters: string[];
}

function parseWebUrl(text: string): WebUrl | undefined {
  const match = WEB_URL.exec(text);
  if (!match) return undefined;
  const scheme = (match[1] ?? '').toLowerCase();
  const port = match[3] ?? '';
  return {
    scheme,
    host: (match[2] ?? '').toLowerCase().replace(/\.$/, ''),
    port: port === DEFAULT_PORTS[scheme] ? '' : port,
    path: match[4] === '' || match[4] === undefined ? '/' : match[4],
    parameters: (match[5] ?? '').split('&').filter((parameter) => parameter !== '' && !TRACKING_PARAMETER.test(parameter.split('=')[0] ?? '')),
  };
}

function query(parameters: readonly string[]): string {
  return parameters.length === 0 ? '' : `?${parameters.join('&')}`;
}

/**
 * The canonical form of an http(s) address, or undefined when `text` is not one: scheme and
 * host in lower case, no default port, no user info, no fragment, no tracking parameters (the
 * others kept in their order), and `/` for an empty path. Path case is kept: it may matter.
 */
export function canonicalUrl(text: string): string | undefined {
  const url = parseWebUrl(text);
  if (!url) return undefined;
  return `${url.scheme}://${url.host}${url.port === '' ? '' : `:${url.port}`}${url.path}${query(url.parameters)}`;
}

/**
 * A key under which two addresses of the same article are equal: the canonical form without the
 * scheme, a leading `www.`, a trailing slash or an `index.html`, with parameters sorted.
 */
export function urlIdentity(text: string): string | undefined {
  const url = parseWebUrl(text);
  if (!url) return undefined;
  const host = url.host.replace(/^www\./, '');
  const path = url.path.replace(/\/index\.html?$/i, '/').replace(/\/+$/, '');
  return `${host}${url.port === '' ? '' : `:${url.port}`}${path}${query([...url.parameters].sort())}`;
}
