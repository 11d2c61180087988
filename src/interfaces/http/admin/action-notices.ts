import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { injectable } from 'inversify';
import type { Next } from 'koa';
import type { AppContext } from '../app-state.ts';

/** What an admin action came to, as the page it came from shows it: plain strings only, for the template to escape. */
export interface ActionNotice {
  /** done: it worked; attention: it ran, and someone should look; failed: it did not; pending: still running. */
  readonly tone: 'done' | 'attention' | 'failed' | 'pending';
  readonly title: string;
  readonly lines: readonly string[];
  readonly facts: ReadonlyArray<{ readonly label: string; readonly value: string }>;
}

const KEPT_MS = 15 * 60_000;
const MOST_KEPT = 1_000;

/** Shown when a link names a notice this process does not hold (expired, another process's, or made up). */
const GONE: ActionNotice = {
  tone: 'attention',
  title: '操作结果已不在此处',
  lines: ['操作结果只在处理该操作的服务进程中保留 15 分钟。操作本身及其结果已记入“操作记录”，也可在本页下方查看当前状态。'],
  facts: [],
};

/**
 * The outcome of an admin action, shown once its POST has redirected back to the page (POST, 303, GET).
 * Kept here, under a random id, for the page and the operator it belongs to: the link carries only the
 * id, so a crafted link cannot make the page claim anything, and cannot show one page's outcome on another.
 */
@injectable()
export class ActionNotices {
  private readonly kept = new Map<string, { page: string; actor: string; until: number; notice: ActionNotice }>();

  /** Keeps the notice; the link's id for it. */
  put(page: string, actor: string, notice: ActionNotice): string {
    this.forgetExpired();
    const id = randomBytes(16).toString('base64url');
    this.kept.set(id, { page, actor, until: performance.now() + KEPT_MS, notice });
    return id;
  }

  /** Replaces a kept notice: a long action that finished after its page was shown. */
  update(id: string, notice: ActionNotice): void {
    const entry = this.kept.get(id);
    if (entry) entry.notice = notice;
  }

  /** The notice kept under `id` for this page and operator; one saying it is gone otherwise. */
  read(page: string, actor: string, id: string): ActionNotice {
    const entry = this.kept.get(id);
    const current = entry && entry.until > performance.now() && entry.page === page && entry.actor === actor;
    return current ? entry.notice : GONE;
  }

  /** The page's `?notice=` to every admin GET's template as `actionNotice`. */
  readOnPages = async (ctx: AppContext, next: Next): Promise<void> => {
    const id = ctx.query.notice;
    if (ctx.method === 'GET' && typeof id === 'string' && ctx.state.admin)
      ctx.state.actionNotice = this.read(ctx.path, ctx.state.admin.user, id);
    await next();
  };

  private forgetExpired(): void {
    const now = performance.now();
    for (const [id, entry] of this.kept) if (entry.until <= now || this.kept.size >= MOST_KEPT) this.kept.delete(id);
  }
}

/** The page an action redirects back to, showing its notice. */
export function withNotice(pathAndQuery: string, id: string): string {
  return `${pathAndQuery}${pathAndQuery.includes('?') ? '&' : '?'}notice=${id}`;
}
