import { Buffer } from 'node:buffer';
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import Koa from 'koa';
import views from 'koa-views';
import pino from 'pino';
import { VIEWS_DIR } from '../../src/interfaces/http/views-dir.ts';
import { SandboxAlipay, type SandboxSettings } from '../../src/sandbox/sandbox-alipay.ts';

export const SANDBOX_TEST_APP_ID = '2021000000000001';
export const SANDBOX_TEST_SELLER_ID = '2088000000000001';

const keyPair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
/** Made at run time: our app's pair, the sandbox's stand-in for Alipay's, and a pair of neither. */
export const sandboxKeys = { app: keyPair(), alipay: keyPair(), other: keyPair() };

export const pem = (key: KeyObject, type: 'pkcs8' | 'spki') => key.export({ type, format: 'pem' }).toString();

/** Signs as a merchant does: every non-empty parameter but `sign`, sorted, sign_type included (RSA: SHA1, else SHA256). */
export function merchantSigned(params: Record<string, string>, key: KeyObject = sandboxKeys.app.privateKey): Record<string, string> {
  const content = Object.keys(params)
    .filter((name) => params[name] !== '')
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
  const hash = params.sign_type === 'RSA' ? 'sha1' : 'sha256';
  return { ...params, sign: sign(hash, Buffer.from(content, 'utf8'), key).toString('base64') };
}

export interface ServedSandbox {
  readonly sandbox: SandboxAlipay;
  readonly server: Server;
  readonly url: string;
}

/**
 * The sandbox alone on an ephemeral port, its pages rendered, as the service mounts it without the
 * service: the test app, the test keys, over `knex`, on the clock `now`.
 */
export async function serveSandbox(knex: Knex, now: () => Date, settings: Partial<SandboxSettings> = {}): Promise<ServedSandbox> {
  const sandbox = new SandboxAlipay({
    appId: SANDBOX_TEST_APP_ID,
    sellerId: SANDBOX_TEST_SELLER_ID,
    signType: 'RSA2',
    alipayPrivateKeyPem: pem(sandboxKeys.alipay.privateKey, 'pkcs8'),
    appPublicKeyPem: pem(sandboxKeys.app.publicKey, 'spki'),
    logger: pino({ level: 'silent' }),
    knex,
    now,
    ...settings,
  });
  const app = new Koa();
  app.use(views(VIEWS_DIR, { extension: 'pug', options: { basedir: VIEWS_DIR } }));
  app.use(sandbox.routes().routes());
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { sandbox, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function stopSandbox(served: Partial<ServedSandbox>): Promise<void> {
  served.sandbox?.close();
  served.server?.closeAllConnections();
  await new Promise<void>((resolve) => (served.server ? served.server.close(() => resolve()) : resolve()));
}
