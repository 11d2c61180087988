import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import forge from 'node-forge';
import { TOKENS } from '../../src/application/tokens.ts';
import { buildContainer } from '../../src/bootstrap/container.ts';
import { ForgeSignatureVerifier } from '../../src/infrastructure/alipay/forge-signature-verifier.ts';
import { NativeSignatureVerifier } from '../../src/infrastructure/alipay/native-signature-verifier.ts';
import { openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { ObjectionOrderRepository } from '../../src/infrastructure/persistence/objection-order-repository.ts';
import { ObjectionPaymentRepository } from '../../src/infrastructure/persistence/objection-payment-repository.ts';
import { SqlOrderRepository } from '../../src/infrastructure/persistence/sql-order-repository.ts';
import { SqlPaymentRepository } from '../../src/infrastructure/persistence/sql-payment-repository.ts';
import { INFRA } from '../../src/infrastructure/tokens.ts';
import { testWiring } from '../support/test-wiring.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const isDeno = 'Deno' in globalThis;
const appPrivateKey = forge.pki.rsa.generateKeyPair({ bits: 1024 }).privateKey;

describe('every adapter switch, through the composition root', () => {
  const database = openDatabase({ kind: 'pglite', dataDir: null });
  after(() => database.close());

  const VERIFIERS = { native: NativeSignatureVerifier, forge: ForgeSignatureVerifier } as const;
  const REPOSITORIES = {
    sql: [SqlOrderRepository, SqlPaymentRepository],
    objection: [ObjectionOrderRepository, ObjectionPaymentRepository],
  } as const;
  for (const verifier of ['native', 'forge'] as const) {
    for (const repositories of ['sql', 'objection'] as const) {
      it(`SIGNATURE_VERIFIER=${verifier} REPOSITORIES=${repositories} binds those adapters, and a signer that signs`, () => {
        const container = buildContainer(testWiring(database.knex, { signatureVerifier: verifier, repositories, appPrivateKey }));
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

describe('npm run orders', () => {
  for (const repositories of ['sql', 'objection']) {
    it(`places an UNPAID Alipay order through the composition root with REPOSITORIES=${repositories}`, {
      skip: isDeno && 'spawns the Node CLI',
    }, () => {
      const dataDir = join(mkdtempSync(join(tmpdir(), 'meiduo-cli-')), 'pglite');
      const env = { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, REPOSITORIES: repositories };
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/orders-cli.ts', 'create', '--amount', '88.00'], {
        cwd: root,
        env,
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      const orderId = run.stdout.trim();
      assert.match(orderId, /^\d{20,}$/);
      assert.match(run.stderr, new RegExp(`placed UNPAID Alipay order ${orderId} for ¥88.00`));
      const refused = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/orders-cli.ts', 'create', '--amount', '88.001'], {
        cwd: root,
        env,
        encoding: 'utf8',
      });
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /--amount must be yuan from 0\.01 to 99999999\.99 with at most two decimals/);
    });
  }
});
