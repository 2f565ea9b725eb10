import { describe, expect, it } from 'vitest';
import { canonicalUrl, urlIdentity } from '../shared/urls';

describe('canonicalUrl', () => {
  it('lowercases scheme and host, drops default ports, user info, fragments and tracking parameters', () => {
    expect(canonicalUrl('  HTTPS://User:pw@News.Example:443/World/Story?id=7&utm_source=x&fbclid=abc#comments ')).toBe('https://news.example/World/Story?id=7');
    expect(canonicalUrl('http://news.example:8080')).toBe('http://news.example:8080/');
    expect(canonicalUrl('https://news.example/a?utm_medium=feed')).toBe('https://news.example/a');
  });

  it('is undefined for anything but http(s)', () => {
    for (const text of ['javascript:alert(1)', 'ftp://news.example/a', 'news.example/a', '', 'https://', 'data:text/html,hi']) expect(canonicalUrl(text), text).toBeUndefined();
  });
});

describe('urlIdentity', () => {
  it('is the same for one article under different-looking addresses', () => {
    const forms = ['http://news.example/a/', 'https://www.news.example/a', 'https://news.example/a/index.html', 'https://NEWS.example/a?utm_campaign=x#top'];
    expect(new Set(forms.map(urlIdentity))).toEqual(new Set(['news.example/a']));
  });

  it('keeps what names a different page: path case, parameters (sorted), ports', () => {
    expect(urlIdentity('https://news.example/A')).not.toBe(urlIdentity('https://news.example/a'));
    expect(urlIdentity('https://news.example/a?b=2&a=1')).toBe(urlIdentity('https://news.example/a?a=1&b=2'));
    expect(urlIdentity('https://news.example/a?id=1')).not.toBe(urlIdentity('https://news.example/a?id=2'));
    expect(urlIdentity('https://news.example:8443/a')).not.toBe(urlIdentity('https://news.example/a'));
  });
});
