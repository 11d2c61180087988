import { ForgeSignatureVerifier } from '../../src/infrastructure/alipay/forge-signature-verifier.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { describeSignatureVerifierContract } from './signature-verifier.contract.ts';

describeSignatureVerifierContract({
  name: 'node-forge',
  create: (pem, signType) => new ForgeSignatureVerifier(parseAlipayPublicKey(pem), signType),
});
