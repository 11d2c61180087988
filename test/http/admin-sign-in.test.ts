import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import { createTestAlipay } from '../support/alipay-signer.ts';
import { ADMIN, memoryAppForSuite } from '../support/test-app.ts';

const alipay = createTestAlipay();
const OPERATOR = { name: 'alice', password: 'alice-password-1' };
const VIEWER = { name: 'bob', password: 'bob-password-12' };
let addresses = 0;
/** A client address of its own per test, so that one test's failed sign-ins never throttle another's. */
const nextClient = () => `198.51.100.${++addresses}`;
const tokenOn = (page: string) => page.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
const cookieOf = (response: Response) => response.headers.get('set-cookie')?.split(';')[0] ?? '';

describe('signing in to the back office', () => {
  const suite = memoryAppForSuite({ alipayPublicKeyPem: alipay.publicKeyPem, trustedProxies: ['127.0.0.1', '::1'] });
  // `client` and `cookie` are this helper's own: Deno's fetch takes a `client` option of its own.
  const request = (path: string, { client, cookie, headers, ...init }: RequestInit & { client?: string; cookie?: string } = {}) =>
    fetch(suite.app.url + path, {
      redirect: 'manual',
      ...init,
      headers: {
        'X-Forwarded-For': client ?? nextClient(),
        ...(cookie ? { Cookie: cookie } : {}),
        ...(headers as Record<string, string>),
      },
    });
  const post = (
    path: string,
    fields: Record<string, string>,
    init: { client?: string; cookie?: string; headers?: Record<string, string> } = {},
  ) =>
    request(path, {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      ...init,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin', ...init.headers },
    });
  const signIn = async (who: { name: string; password: string }, next = '/admin/payments') => {
    const response = await post('/admin/login', { name: who.name, password: who.password, next });
    assert.equal(response.status, 303, `${who.name} signs in`);
    return cookieOf(response);
  };

  it('sends a browser without a session to the sign-in page and back to where it was going', async () => {
    await suite.tables.addOperator(OPERATOR.name, 'operator', OPERATOR.password);
    await suite.tables.addOperator(VIEWER.name, 'viewer', VIEWER.password);
    const asked = await request('/admin/rejections?q=2026', { headers: { Accept: 'text/html,application/xhtml+xml' } });
    assert.equal(asked.status, 303);
    assert.equal(asked.headers.get('location'), '/admin/login?next=%2Fadmin%2Frejections%3Fq%3D2026');
    const posted = await post('/admin/payments/T1/resolve', { note: 'x' }, { headers: { Accept: 'text/html' } });
    assert.equal(posted.status, 303, 'a form posted signed out goes to the sign-in page too');
    assert.equal(posted.headers.get('location'), '/admin/login?next=%2Fadmin%2Fpayments');
    assert.equal(posted.headers.get('www-authenticate'), null, 'a browser never gets the Basic dialog');
    const wrongBasic = await request('/admin/payments', { headers: { Accept: 'text/html', Authorization: 'Basic eDp5' } });
    assert.equal(wrongBasic.status, 401);
    assert.equal(wrongBasic.headers.get('www-authenticate'), null);
    const page = await request('/admin/login?next=%2Fadmin%2Frejections%3Fq%3D2026');
    const body = await page.text();
    assert.equal(page.status, 200);
    assert.match(body, /登录支付管理后台/);
    assert.match(body, /name="next" value="\/admin\/rejections\?q=2026"/);
    assert.doesNotMatch(body, /后台导航/, 'no navigation before signing in');

    const signedIn = await post('/admin/login', { name: OPERATOR.name, password: OPERATOR.password, next: '/admin/rejections?q=2026' });
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.get('location'), '/admin/rejections?q=2026');
    assert.match(signedIn.headers.get('set-cookie') ?? '', /^meiduo_admin=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const home = await request('/admin/payments', { cookie: cookieOf(signedIn) });
    const homePage = await home.text();
    assert.equal(home.status, 200);
    assert.match(homePage, /当前用户：<strong class="user-name">alice<\/strong><span class="user-role">（操作员）/);
    assert.match(homePage, /退出登录/);
  });

  it('refuses a wrong password, an unknown name and an empty password alike, and counts each failure', async () => {
    const client = nextClient();
    for (const [name, password] of [
      [OPERATOR.name, 'wrong-password!'],
      ['nobody', OPERATOR.password],
      [OPERATOR.name, ''],
    ] as const) {
      const refused = await post('/admin/login', { name, password }, { client });
      assert.equal(refused.status, 401);
      assert.match(await refused.text(), /账号或密码错误，或账号已停用/);
      assert.equal(refused.headers.get('set-cookie'), null);
    }
    await post('/admin/login', { name: 'x', password: 'y' }, { client });
    await post('/admin/login', { name: 'x', password: 'y' }, { client });
    const throttled = await post('/admin/login', OPERATOR, { client });
    assert.equal(throttled.status, 429, 'the right password too, once the address is over the limit');
    assert.ok(Number(throttled.headers.get('retry-after')) > 0);
  });

  it('takes a sign-in only from our own page, and goes back only into the back office', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const refused = await post(
        '/admin/login',
        { name: OPERATOR.name, password: OPERATOR.password },
        { headers: { 'Sec-Fetch-Site': site } },
      );
      assert.equal(refused.status, 403, site);
      assert.equal(refused.headers.get('set-cookie'), null);
    }
    for (const next of ['//evil.example/admin', 'https://evil.example/', '/\\evil.example', '/payment/status/', '/admin/login']) {
      const response = await post('/admin/login', { name: OPERATOR.name, password: OPERATOR.password, next });
      assert.equal(response.headers.get('location'), '/admin/payments', next);
    }
  });

  it('lets a viewer read every page but change nothing', async () => {
    const cookie = await signIn(VIEWER);
    const page = await request('/admin/payments', { cookie });
    const body = await page.text();
    assert.equal(page.status, 200);
    assert.match(body, /（只读）/);
    const refused = await post('/admin/payments/T1/resolve', { _csrf: tokenOn(body), note: '已退款' }, { cookie });
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /只读账号/);
    assert.ok(!suite.tables.store.adminActions.some((action) => action.action === 'resolve_review'));
  });

  it('signs out: the session is over, the cookie is cleared, and both ends are in the audit trail', async () => {
    const cookie = await signIn(OPERATOR);
    const token = tokenOn(await (await request('/admin/payments', { cookie })).text());
    assert.equal((await post('/admin/logout', { _csrf: 'forged' }, { cookie })).status, 403, 'signing out needs the token too');
    const out = await post('/admin/logout', { _csrf: token }, { cookie });
    assert.equal(out.status, 303);
    assert.equal(out.headers.get('location'), '/admin/login?signed_out=1');
    assert.match(out.headers.get('set-cookie') ?? '', /^meiduo_admin=; .*Max-Age=0/);
    const after = await request('/admin/payments', { cookie, headers: { Accept: 'text/html' } });
    assert.equal(after.status, 303);
    assert.match(after.headers.get('location') ?? '', /expired=1/);
    const audit = await (await request('/admin/audit', { cookie: await signIn(OPERATOR) })).text();
    assert.match(audit, /退出登录/);
    assert.match(audit, /登录/);
  });

  it('lets scripts use HTTP Basic with the same accounts, and never a disabled one', async () => {
    const basic = (who: { name: string; password: string }) => `Basic ${Buffer.from(`${who.name}:${who.password}`).toString('base64')}`;
    const csv = await request('/admin/payments.csv', { headers: { Authorization: basic(VIEWER) } });
    assert.equal(csv.status, 200);
    assert.equal(
      (await request('/admin/payments', { headers: { Authorization: basic({ name: ADMIN.user, password: ADMIN.password }) } })).status,
      200,
    );
    const cookie = await signIn(VIEWER);
    const account = suite.tables.store.operatorAccounts.get(VIEWER.name)!;
    suite.tables.store.operatorAccounts.set(VIEWER.name, { ...account, disabledAt: account.createdAt });
    assert.equal((await request('/admin/payments.csv', { headers: { Authorization: basic(VIEWER) } })).status, 401);
    assert.equal((await request('/admin/payments', { cookie })).status, 401, 'a disabled account’s session ends at once');
    suite.tables.store.operatorAccounts.set(VIEWER.name, account);
  });
});

describe('the session cookie in production', () => {
  const suite = memoryAppForSuite({ alipayPublicKeyPem: alipay.publicKeyPem, production: true });
  it('is __Host- and Secure', async () => {
    const response = await fetch(`${suite.app.url}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ name: ADMIN.user, password: ADMIN.password }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(response.status, 303);
    assert.match(
      response.headers.get('set-cookie') ?? '',
      /^__Host-meiduo_admin=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/,
    );
  });
});
