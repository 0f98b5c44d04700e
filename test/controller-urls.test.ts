/**
 * GAGENT_CONTROLLER_URLS matching: exact origin and path prefix after normalising, and none of the
 * tricks that make a URL look allowed while it goes elsewhere.
 */
import { describe, expect, it } from 'vitest';
import {
  controllerUrlPrefix,
  isAllowedControllerUrl,
  parseControllerUrls,
} from '../src/config/controller-urls.js';
import { loadConfig } from '../src/config.js';
import { checkControllerUrl } from '../src/runner/run-request.js';

const allowed = parseControllerUrls(
  'http://10.0.0.5:5000/vm1, https://vms.internal/pool/ http://[::1]:7000',
  'GAGENT_CONTROLLER_URLS',
);

describe('controller URL allow-list', () => {
  it.each([
    ['the URL itself', 'http://10.0.0.5:5000/vm1'],
    ['a trailing slash', 'http://10.0.0.5:5000/vm1/'],
    ['a path under it', 'http://10.0.0.5:5000/vm1/desk'],
    ['upper-case scheme and host', 'HTTP://10.0.0.5:5000/vm1'],
    ['an encoded unreserved character', 'http://10.0.0.5:5000/vm%31'],
    ['the default port written out', 'https://vms.internal:443/pool/a'],
    ['a trailing dot on the host', 'https://vms.internal./pool'],
    ['another spelling of the IPv6 address', 'http://[0:0:0:0:0:0:0:1]:7000/'],
    ['a resolved dot segment', 'http://10.0.0.5:5000/vm1/x/../y'],
  ])('allows %s', (_name, url) => {
    expect(isAllowedControllerUrl(url, allowed)).toBe(true);
  });

  it.each([
    ['userinfo naming the allowed host', 'http://10.0.0.5:5000@evil.example/vm1'],
    ['userinfo with a password', 'http://user:pw@10.0.0.5:5000/vm1'],
    ['another host', 'http://10.0.0.6:5000/vm1'],
    ['another port', 'http://10.0.0.5:5001/vm1'],
    ['another scheme', 'https://10.0.0.5:5000/vm1'],
    ['a sibling path', 'http://10.0.0.5:5000/vm10'],
    ['a parent path', 'http://10.0.0.5:5000/'],
    ['a dot segment leaving the prefix', 'http://10.0.0.5:5000/vm1/../admin'],
    ['an encoded dot segment leaving the prefix', 'http://10.0.0.5:5000/vm1/%2e%2e/admin'],
    ['an encoded slash', 'http://10.0.0.5:5000/vm1%2F..%2Fadmin'],
    ['an encoded backslash', 'http://10.0.0.5:5000/vm1/..%5Cadmin'],
    ['a different path case', 'http://10.0.0.5:5000/VM1'],
    ['the allowed host as a subdomain', 'https://vms.internal.evil.example/pool'],
    ['the allowed host as a suffix', 'https://evilvms.internal/pool'],
    ['a backslash trick', 'http://evil.example\\@10.0.0.5:5000/vm1'],
    ['an IPv4-mapped IPv6 address', 'http://[::ffff:10.0.0.5]:5000/vm1'],
    ['a query', 'http://10.0.0.5:5000/vm1?next=http://evil.example'],
    ['an empty query', 'http://10.0.0.5:5000/vm1?'],
    ['a fragment', 'http://10.0.0.5:5000/vm1#x'],
    ['a file URL', 'file:///etc/passwd'],
    ['no URL at all', 'vm1'],
  ])('refuses %s', (_name, url) => {
    expect(isAllowedControllerUrl(url, allowed)).toBe(false);
  });

  it('normalises IPv4 forms to one address, so an allowed address is still allowed however written', () => {
    const local = parseControllerUrls('http://127.0.0.1:5000', 'X');
    for (const url of ['http://2130706433:5000', 'http://0x7f.1:5000/', 'http://127.1:5000/a'])
      expect(isAllowedControllerUrl(url, local)).toBe(true);
    expect(controllerUrlPrefix('http://2130706433:5000')).toEqual(
      controllerUrlPrefix('http://127.0.0.1:5000'),
    );
  });

  it('refuses a malformed list with one sentence that hides credentials', () => {
    expect(() => parseControllerUrls('http://ok:1, http://u:hunter2@x/', 'GAGENT_CONTROLLER_URLS')).toThrow(
      'GAGENT_CONTROLLER_URLS has "http://…@x/", which is not a plain http(s) URL.',
    );
    expect(() => parseControllerUrls('ftp://x', 'GAGENT_CONTROLLER_URLS')).toThrow(/not a plain http/);
  });

  it("allows the process's own GAGENT_CONTROLLER_URL, and nothing when neither is set", () => {
    const own = loadConfig({}, { GAGENT_CONTROLLER_URL: 'http://10.1.1.1:5000' });
    expect(() =>
      checkControllerUrl({ ...run, controllerUrl: 'http://10.1.1.1:5000/' }, own.allowedControllerUrls),
    ).not.toThrow();
    const none = loadConfig({}, {});
    expect(() =>
      checkControllerUrl({ ...run, controllerUrl: 'http://10.1.1.1:5000' }, none.allowedControllerUrls),
    ).toThrow(
      'The run names controllerUrl http://10.1.1.1:5000/, but this server allows none (GAGENT_CONTROLLER_URLS is not set).',
    );
    // A run naming no controller URL is always fine.
    expect(() => checkControllerUrl(run, none.allowedControllerUrls)).not.toThrow();
  });
});

const run = { task: 't', maxSteps: 30, reflection: true, mcp: true, yes: false };
