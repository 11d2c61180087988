import type { Operator } from '../../../application/operator.ts';
import type { AppContext } from '../app-state.ts';

/** Who is acting, as adminGate signed them in: the name every audit row carries. */
export function operatorOf(ctx: AppContext): Operator {
  return { actor: ctx.state.admin?.user ?? '', remoteAddress: ctx.ip };
}
