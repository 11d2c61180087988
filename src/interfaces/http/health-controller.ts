import { inject, injectable } from 'inversify';
import type { Context } from 'koa';
import type { DatabaseHealth } from '../../application/ports/database-health.ts';
import { TOKENS } from '../../application/tokens.ts';

@injectable()
export class HealthController {
  constructor(@inject(TOKENS.DatabaseHealth) private readonly database: DatabaseHealth) {}

  /** GET /healthz: 200 when the database answers, otherwise 503. */
  check = async (ctx: Context): Promise<void> => {
    const up = await this.database.isUp();
    ctx.status = up ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: up ? 'ok' : 'unavailable', database: up ? 'up' : 'down' };
  };
}
