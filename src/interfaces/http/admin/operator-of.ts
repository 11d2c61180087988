import type { Actor } from '../../../application/actor.ts';
import type { AppContext } from '../app-state.ts';

/** Who is acting, as adminGate signed them in: the name every audit row carries. */
export function operatorOf(ctx: AppContext): Actor {
  return { actor: ctx.state.admin?.user ?? '', remoteAddress: ctx.ip };
}
