import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { developmentBanner } from '../../src/bootstrap/banner.ts';

const URL = 'http://127.0.0.1:8000';
const KEPT = { user: 'admin', password: 'kept-password', keptIn: 'var/admin-password' };
const line = (banner: string, label: string) =>
  banner
    .split('\n')
    .find((text) => text.startsWith(`  ${label} `))
    ?.slice(`  ${label} `.length)
    .trim();

describe('developmentBanner', () => {
  it('shows the demo shop, the admin page, the user and the kept password with its file', () => {
    const banner = developmentBanner({ url: URL, shopUrl: null, demoShop: true, admin: KEPT });
    assert.equal(line(banner, 'shop'), `${URL}/   the demo shop`);
    assert.equal(line(banner, 'admin'), `${URL}/admin/payments`);
    assert.equal(line(banner, 'user'), 'admin');
    assert.equal(line(banner, 'password'), 'kept-password   kept in var/admin-password');
  });

  it('shows SHOP_URL when set, demo shop or not', () => {
    for (const demoShop of [true, false]) {
      const banner = developmentBanner({ url: URL, shopUrl: 'http://www.meiduo.site:8080', demoShop, admin: KEPT });
      assert.equal(line(banner, 'shop'), 'http://www.meiduo.site:8080');
    }
  });

  it('says how to get a shop when there is neither, and never prints a password the developer chose', () => {
    const banner = developmentBanner({
      url: URL,
      shopUrl: null,
      demoShop: false,
      admin: { user: 'staff', password: 'chosen', keptIn: null },
    });
    assert.match(line(banner, 'shop')!, /SHOP_URL/);
    assert.equal(line(banner, 'user'), 'staff');
    assert.equal(line(banner, 'password'), '(as set in ADMIN_PASSWORD)');
    assert.doesNotMatch(banner, /chosen/);
  });
});
