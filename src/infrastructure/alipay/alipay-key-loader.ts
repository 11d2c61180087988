import { existsSync, readFileSync } from 'node:fs';
import { type Config, ConfigError } from '../config.ts';
import { type AlipayPublicKey, parseAlipayPublicKey } from './public-key.ts';
import { generateSandboxAlipayKeys, hasSandboxPrivateKey } from './sandbox-keys.ts';

export interface LoadedAlipayKey {
  readonly publicKey: AlipayPublicKey;
  /** Set when this start generated sandbox keys, so that main can say so. */
  readonly generated?: { publicKeyFile: string; privateKeyFile: string };
}

/**
 * Loads Alipay's public key: ALIPAY_PUBLIC_KEY wins over ALIPAY_PUBLIC_KEY_FILE. Outside production a
 * missing file becomes a generated sandbox pair; production refuses missing and sandbox keys.
 * @throws ConfigError
 */
export function loadAlipayKey(config: Config): LoadedAlipayKey {
  const { publicKey, publicKeyFile } = config.alipay;
  if (publicKey !== null) return { publicKey: parse('ALIPAY_PUBLIC_KEY', publicKey) };

  let generated: LoadedAlipayKey['generated'];
  if (!existsSync(publicKeyFile)) {
    if (config.production) {
      throw new ConfigError(
        'ALIPAY_PUBLIC_KEY_FILE',
        `${publicKeyFile} does not exist; put Alipay's public key (支付宝公钥) there, or set ALIPAY_PUBLIC_KEY`,
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
  return { publicKey: parse('ALIPAY_PUBLIC_KEY_FILE', text, publicKeyFile), generated };
}

function parse(variable: string, text: string, file?: string): AlipayPublicKey {
  try {
    return parseAlipayPublicKey(text);
  } catch (error) {
    throw new ConfigError(variable, `${file ?? 'value'} ${(error as Error).message}`);
  }
}
