/** What staff can do in the back office, as the audit trail names it. */
export type AdminActionKind =
  | 'resolve_review'
  | 'query_order'
  | 'replay_rejections'
  | 'rerun_reconciliation'
  | 'resolve_discrepancy'
  | 'refund'
  | 'check_refund'
  | 'sign_in'
  | 'sign_out'
  | 'add_operator'
  | 'change_password'
  | 'disable_operator';

/** One thing staff did in the admin, kept as evidence of who changed what. */
export interface AdminAction {
  readonly at: Date;
  /** The operator's account name. */
  readonly actor: string;
  readonly remoteAddress: string;
  readonly action: AdminActionKind;
  /** What was acted on: a trade no, an order id, a day, an account name. */
  readonly target: string;
  readonly detail: string;
}

/** The audit trail of admin writes (tb_admin_audit). */
export interface AdminAudit {
  /** Keeps one action; a write that must commit with its audit row records it in its own transaction instead. */
  record(action: AdminAction): Promise<void>;
  /** The newest `limit` actions, newest first. */
  recent(limit: number): Promise<AdminAction[]>;
}
