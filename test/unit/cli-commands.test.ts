import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readPaymentsCommand } from '../../src/cli/payments-command.ts';
import { readReconcileCommand } from '../../src/cli/reconcile-command.ts';
import { isRefusal } from '../../src/cli/refusal.ts';
import { Money } from '../../src/domain/money.ts';

/** The refusal's line, or a failure naming the command line that was taken. */
function refusalOf(answer: object, argv: readonly string[]): string {
  assert.ok(isRefusal(answer), `${JSON.stringify(argv)} was taken`);
  return answer.refusal;
}

describe('npm run payments: the command line', () => {
  it('takes replay with an instant and a rejection id, and query with an order id', () => {
    assert.deepEqual(readPaymentsCommand(['replay', '--since', '2026-01-01T00:00:00+08:00', '--id', '42', '--json']), {
      name: 'replay',
      filter: { since: new Date('2025-12-31T16:00:00Z'), id: '42' },
      json: true,
    });
    assert.deepEqual(readPaymentsCommand(['replay']), { name: 'replay', filter: { since: undefined, id: undefined }, json: false });
    assert.deepEqual(readPaymentsCommand(['query', 'A_1-b']), { name: 'query', orderId: 'A_1-b', json: false });
  });

  it('refuses with the usage line or the bad value', () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /^usage: npm run payments -- replay \[--since ISO-TIME\] \[--id N\] \[--json\]$/m],
      [['replay', '--all'], /^usage: npm run payments/m],
      [['replay', '--since', 'yesterday'], /--since must be an ISO time with its zone.*"yesterday"/],
      [['replay', '--since', '2026-02-31T00:00:00Z'], /--since must be an ISO time.*"2026-02-31T00:00:00Z"/],
      [['replay', '--since', '2026-11-26T08:00:00'], /--since must be an ISO time with its zone/],
      [['replay', '--since', '0000-01-01T00:00:00Z'], /--since must be an ISO time/],
      [['replay', '--id', 'x'], /--id must be the number of a rejection.*"x"/],
      [['replay', '--id', '0'], /--id must be the number of a rejection/],
      [['query'], /^ {7}npm run payments -- query ORDER_ID \[--json\]$/m],
      [['query', '1', '2'], /^usage: npm run payments/m],
      [['query', '1', '--id', '2'], /^usage: npm run payments/m],
      [['query', '<script>'], /ORDER_ID must be 1 to 64 letters, digits, _ or - \(got "<script>"\)/],
      [['query', 'x'.repeat(65)], /ORDER_ID must be 1 to 64/],
    ];
    for (const [argv, expected] of cases) assert.match(refusalOf(readPaymentsCommand(argv), argv), expected, JSON.stringify(argv));
  });

  it('takes refund with an order id and a reason, a trade no and an amount when given', () => {
    assert.deepEqual(readPaymentsCommand(['refund', 'O1', '--reason', '顾客取消']), {
      name: 'refund',
      refund: { orderId: 'O1', reason: '顾客取消' },
      json: false,
    });
    assert.deepEqual(readPaymentsCommand(['refund', 'O1', '--trade-no', 'T-9', '--amount', '12.3', '--reason', 'r', '--json']), {
      name: 'refund',
      refund: { orderId: 'O1', tradeNo: 'T-9', amount: Money.parse('12.30'), reason: 'r' },
      json: true,
    });
  });

  it('refuses a refund without a reason, with a bad amount or trade no, and refund options elsewhere', () => {
    const cases: Array<[string[], RegExp]> = [
      [['refund', 'O1'], /^payments: a refund needs --reason TEXT: why the money goes back/],
      [['refund', 'O1', '--reason', '  '], /a refund needs --reason TEXT/],
      [['refund', 'O1', '--reason', 'r', '--amount', '1.234'], /--amount must be yuan with at most two decimals.*"1\.234"/],
      [['refund', 'O1', '--reason', 'r', '--amount=-1'], /--amount must be yuan/],
      [['refund', 'O1', '--reason', 'r', '--trade-no', 'a b'], /--trade-no must be Alipay's trade no/],
      [['refund', '<x>', '--reason', 'r'], /ORDER_ID must be 1 to 64/],
      [
        ['refund', '--reason', 'r'],
        /^ {7}npm run payments -- refund ORDER_ID \[--trade-no T\] \[--amount 12\.34\] --reason TEXT \[--json\]$/m,
      ],
      [['refund', 'O1', '--since', '2026-01-01T00:00:00Z', '--reason', 'r'], /^usage: npm run payments/m],
      [['query', 'O1', '--reason', 'r'], /^usage: npm run payments/m],
      [['replay', '--amount', '1.00'], /^usage: npm run payments/m],
    ];
    for (const [argv, expected] of cases) assert.match(refusalOf(readPaymentsCommand(argv), argv), expected, JSON.stringify(argv));
  });
});

describe('npm run reconcile: the command line', () => {
  const TODAY = '2026-03-01';

  it('takes yesterday in Beijing by default, any past day or today, and --json', () => {
    assert.deepEqual(readReconcileCommand([], TODAY), { date: '2026-02-28', json: false });
    assert.deepEqual(readReconcileCommand(['--date', '2024-02-29', '--json'], TODAY), { date: '2024-02-29', json: true });
    assert.deepEqual(readReconcileCommand(['--date', TODAY], TODAY), { date: TODAY, json: false });
  });

  it('refuses a bad command or date in one line', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--date', '2026-02-31'], /^reconcile: --date must be a day such as 2026-02-28 \(got "2026-02-31"\)$/],
      [['--date', 'yesterday'], /--date must be a day/],
      [['--date', '2026-03-02'], /^reconcile: --date 2026-03-02 is in the future \(today is 2026-03-01 in Beijing\)$/],
      [['--all'], /^usage: npm run reconcile -- \[--date YYYY-MM-DD\] \[--json\]$/],
      [['extra'], /^usage: npm run reconcile/],
    ];
    for (const [argv, expected] of cases) assert.match(refusalOf(readReconcileCommand(argv, TODAY), argv), expected, JSON.stringify(argv));
  });
});
