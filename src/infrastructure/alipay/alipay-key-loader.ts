import { existsSync, readFileSync } from 'node:fs';
import { type Config, ConfigError } from '../config.ts';
import { type AlipayPublicKey, parseAlipayPublicKey } from './public-key.ts';
import { generateSandboxAlipayKeys, hasSandboxPrivateKey, isSandboxPublicKey } from './sandbox-keys.ts';

export interface LoadedAlipayKey {
  readonly publicKey: AlipayPublicKey;
  /** Set when this start generated sandbox keys, so that main can say so. */
  readonly generated?: { publicKeyFile: string; privateKeyFile: string };
}

/**
 * Loads Alipay's public key: ALIPAY_PUBLIC_KEY wins over ALIPAY_PUBLIC_KEY_FILE. With the local sandbox
 * a missing file becomes a generated sandbox pair; production, and a real gateway in development,
 * refuse missing and sandbox keys.
 * @throws ConfigError
 */
export function loadAlipayKey(config: Config): LoadedAlipayKey {
  const { publicKey, publicKeyFile } = config.alipay;
  if (publicKey !== null) return { publicKey: parse('ALIPAY_PUBLIC_KEY', publicKey) };

  const realGateway = config.alipay.gateway !== 'sandbox';
  let generated: LoadedAlipayKey['generated'];
  if (!existsSync(publicKeyFile)) {
    if (config.production || realGateway) {
      throw new ConfigError(
        'ALIPAY_PUBLIC_KEY_FILE',
        `${publicKeyFile} does not exist; put Alipay's public key (${WHERE_ALIPAY_KEY_IS}) there, or set ALIPAY_PUBLIC_KEY${config.production ? '' : ', or ALIPAY_GATEWAY=sandbox for the local sandbox'}`,
      );
    }
    generated = generateSandboxAlipayKeys(publicKeyFile);
  }
  if (config.production && hasSandboxPrivateKey(publicKeyFile)) {
    throw new ConfigError(
      'ALIPAY_PUBLIC_KEY_FILE',
      `${publicKeyFile} is a sandbox key: its private half lies beside it, and Alipay never gives that out`,
    );
  }
  let text: string;
  try {
    text = readFileSync(publicKeyFile, 'utf8');
  } catch (error) {
    throw new ConfigError('ALIPAY_PUBLIC_KEY_FILE', `${publicKeyFile} cannot be read (${(error as Error).message})`);
  }
  const loaded = parse('ALIPAY_PUBLIC_KEY_FILE', text, publicKeyFile);
  if (realGateway && isSandboxPublicKey(publicKeyFile, loaded.spkiPem)) {
    // The real Alipay never signs with it: every return, notify and answer would be refused.
    throw new ConfigError(
      'ALIPAY_PUBLIC_KEY_FILE',
      `${publicKeyFile} is the key the local sandbox generated, and ALIPAY_GATEWAY ${config.alipay.gateway} never signs with it: every return and notify would be refused. Put Alipay's public key (${WHERE_ALIPAY_KEY_IS}) in that file or in ALIPAY_PUBLIC_KEY, or set ALIPAY_GATEWAY=sandbox`,
    );
  }
  return { publicKey: loaded, generated };
}

const WHERE_ALIPAY_KEY_IS = "支付宝公钥, in the Alipay open platform console: your app's 开发设置 → 接口加签方式";

function parse(variable: string, text: string, file?: string): AlipayPublicKey {
  try {
    return parseAlipayPublicKey(text);
  } catch (error) {
    throw new ConfigError(variable, `${file ?? 'value'} ${(error as Error).message}`);
  }
}
