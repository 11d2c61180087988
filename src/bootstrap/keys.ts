import type { Logger } from 'pino';
import { loadAlipayKey } from '../infrastructure/alipay/alipay-key-loader.ts';
import { loadAppPrivateKey } from '../infrastructure/alipay/app-private-key.ts';
import { isPublicHalfOf, readSandboxPrivateKey } from '../infrastructure/alipay/sandbox-keys.ts';
import { type Config, ConfigError } from '../infrastructure/config.ts';

/** Loads (outside production, generates) every key, saying what it generated. @throws ConfigError */
export function loadKeys(config: Config, logger: Logger) {
  const alipayKey = loadAlipayKey(config);
  if (alipayKey.generated)
    logger.warn(alipayKey.generated, 'generated a local sandbox Alipay key pair (development only; production refuses it)');
  if (alipayKey.publicKey.certificateSn) {
    logger.info(
      { alipayCertSn: alipayKey.publicKey.certificateSn },
      "certificate mode: Alipay's messages should carry this alipay_cert_sn",
    );
  }
  const appKey = loadAppPrivateKey(config);
  if (appKey.generated) logger.warn(appKey.generated, 'generated an app key pair for signing page-pay requests (development only)');
  if (alipayKey.publicKey.key.n.equals(appKey.privateKey.n)) {
    // Every Alipay signature would fail, and every payment would be refused: never start like this.
    const variable = config.alipay.publicKey !== null ? 'ALIPAY_PUBLIC_KEY' : 'ALIPAY_PUBLIC_KEY_FILE';
    throw new ConfigError(
      variable,
      `is the public half of your own app key (APP_PRIVATE_KEY_FILE ${config.alipay.appPrivateKeyFile}): that is 应用公钥, not Alipay's 支付宝公钥. Copy 支付宝公钥 from the Alipay console into ${variable}`,
    );
  }
  const bits = alipayKey.publicKey.key.n.bitLength();
  if (bits < 2048)
    logger.warn({ bits }, "Alipay's public key is shorter than 2048 bits: check that it is 支付宝公钥 for RSA2 from the Alipay console");
  return { alipayKey, appKey };
}

/** The sandbox must sign with the private half of the Alipay key we verify with. @throws ConfigError */
export function sandboxKeyMatching(config: Config, alipayPublicKeyPem: string): string {
  const pem = readSandboxPrivateKey(config.alipay.publicKeyFile);
  if (pem === null || config.alipay.publicKey !== null || !isPublicHalfOf(pem, alipayPublicKeyPem)) {
    throw new ConfigError(
      'ALIPAY_GATEWAY',
      `is "sandbox", but the Alipay public key is not the sandbox's own; unset ALIPAY_PUBLIC_KEY and move ${config.alipay.publicKeyFile} away to have a sandbox pair generated, or set ALIPAY_GATEWAY to a real gateway`,
    );
  }
  return pem;
}
