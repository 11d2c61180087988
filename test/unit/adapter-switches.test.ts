import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import knexFactory from 'knex';
import forge from 'node-forge';
import { TOKENS } from '../../src/application/tokens.ts';
import { buildContainer } from '../../src/bootstrap/container.ts';
import { ForgeSignatureVerifier } from '../../src/infrastructure/alipay/forge-signature-verifier.ts';
import { NativeSignatureVerifier } from '../../src/infrastructure/alipay/native-signature-verifier.ts';
import { ObjectionOrderRepository } from '../../src/infrastructure/persistence/objection-order-repository.ts';
import { ObjectionPaymentRepository } from '../../src/infrastructure/persistence/objection-payment-repository.ts';
import { SqlOrderRepository } from '../../src/infrastructure/persistence/sql-order-repository.ts';
import { SqlPaymentRepository } from '../../src/infrastructure/persistence/sql-payment-repository.ts';
import { INFRA } from '../../src/infrastructure/tokens.ts';
import { testWiring } from '../support/test-wiring.ts';

const appPrivateKey = forge.pki.rsa.generateKeyPair({ bits: 1024 }).privateKey;

describe('every adapter switch, through the composition root', () => {
  // Binding reads no row: a knex that never connects is enough.
  const knex = knexFactory({ client: 'pg' });
  after(() => knex.destroy());

  const VERIFIERS = { native: NativeSignatureVerifier, forge: ForgeSignatureVerifier } as const;
  const REPOSITORIES = {
    sql: [SqlOrderRepository, SqlPaymentRepository],
    objection: [ObjectionOrderRepository, ObjectionPaymentRepository],
  } as const;
  for (const verifier of ['native', 'forge'] as const) {
    for (const repositories of ['sql', 'objection'] as const) {
      it(`SIGNATURE_VERIFIER=${verifier} REPOSITORIES=${repositories} binds those adapters, and a signer that signs`, () => {
        const container = buildContainer(testWiring(knex, { signatureVerifier: verifier, repositories, appPrivateKey }));
        assert.equal(container.get<object>(TOKENS.SignatureVerifier).constructor, VERIFIERS[verifier]);
        assert.equal(container.get<object>(TOKENS.OrderRepository).constructor, REPOSITORIES[repositories][0]);
        assert.equal(container.get<object>(TOKENS.PaymentRepository).constructor, REPOSITORIES[repositories][1]);
        const signer = container.get<{ sign(content: string): string }>(INFRA.RequestSigner);
        const md = forge.md.sha256.create();
        md.update('a=1', 'utf8');
        const publicKey = forge.pki.setRsaPublicKey(appPrivateKey.n, appPrivateKey.e);
        assert.ok(publicKey.verify(md.digest().bytes(), forge.util.decode64(signer.sign('a=1'))));
      });
    }
  }
});
