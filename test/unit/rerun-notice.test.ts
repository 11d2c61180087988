import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreUnavailable } from '../../src/application/errors.ts';
import type { RerunOutcome } from '../../src/application/rerun-reconciliation.ts';
import { ActionNotices } from '../../src/interfaces/http/admin/action-notices.ts';
import { keptAsNotice } from '../../src/interfaces/http/admin/rerun-controller.ts';

const PAGE = '/admin/reconciliation/2026-11-25';

/** A rerun that ends when the test says so. */
function aRerun() {
  let end!: (outcome: RerunOutcome) => void;
  let fail!: (error: unknown) => void;
  const running = new Promise<RerunOutcome>((resolve, reject) => {
    end = resolve;
    fail = reject;
  });
  return { running, end, fail };
}

describe('the notice of a rerun that outlasts its page', () => {
  it('shows 正在重新对账, then what the run came to once it ends', async () => {
    const notices = new ActionNotices();
    const { running, end } = aRerun();
    const id = await keptAsNotice(running, { notices, page: PAGE, actor: 'admin', waitMs: 5 }, () => {});
    assert.equal(notices.read(PAGE, 'admin', id).title, '正在重新对账');
    end({ outcome: 'not_ready' });
    await running;
    assert.equal(notices.read(PAGE, 'admin', id).title, '未重新对账：支付宝账单尚未生成');
    assert.equal(notices.read(PAGE, 'someone else', id).title, '操作结果已不在此处', "another operator's");
    assert.equal(notices.read('/admin/reconciliation/2026-11-24', 'admin', id).title, '操作结果已不在此处', "another day's");
  });

  it('says the run failed, and reports it, when the store fails after the page came back', async () => {
    const notices = new ActionNotices();
    const { running, fail } = aRerun();
    const reported: unknown[] = [];
    const id = await keptAsNotice(running, { notices, page: PAGE, actor: 'admin', waitMs: 5 }, (error) => reported.push(error));
    fail(new StoreUnavailable());
    await running.catch(() => {});
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(notices.read(PAGE, 'admin', id).title, '重新对账失败');
    assert.equal(reported.length, 1);
  });

  it('throws a failure that comes within the wait: the error page answers it', async () => {
    const { running, fail } = aRerun();
    fail(new StoreUnavailable());
    await assert.rejects(
      keptAsNotice(running, { notices: new ActionNotices(), page: PAGE, actor: 'admin', waitMs: 1_000 }, () => {}),
      StoreUnavailable,
    );
  });
});
