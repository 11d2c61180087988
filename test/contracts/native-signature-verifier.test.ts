import { NativeSignatureVerifier } from '../../src/infrastructure/alipay/native-signature-verifier.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { describeSignatureVerifierContract } from './signature-verifier.contract.ts';

describeSignatureVerifierContract({
  name: 'node:crypto',
  create: (pem, signType) => new NativeSignatureVerifier(parseAlipayPublicKey(pem), signType),
});
