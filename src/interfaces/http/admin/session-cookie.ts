import type { Context } from 'koa';

/**
 * The back office's session cookie: HttpOnly, SameSite=Strict, and in production Secure with the
 * __Host- prefix (so no subdomain or plain-HTTP page can set or shadow it). It lasts as long as the
 * browser does; the server ends it sooner (idle and absolute expiry).
 */
export class SessionCookie {
  readonly name: string;
  private readonly attributes: string;

  constructor(production: boolean) {
    this.name = production ? '__Host-meiduo_admin' : 'meiduo_admin';
    this.attributes = `Path=/; HttpOnly; SameSite=Strict${production ? '; Secure' : ''}`;
  }

  read(ctx: Context): string | null {
    for (const pair of ctx.get('Cookie').split(';')) {
      const [name, value] = pair.trim().split('=', 2);
      if (name === this.name && value && /^[A-Za-z0-9_-]{43}$/.test(value)) return value;
    }
    return null;
  }

  set(ctx: Context, token: string): void {
    ctx.append('Set-Cookie', `${this.name}=${token}; ${this.attributes}`);
  }

  clear(ctx: Context): void {
    ctx.append('Set-Cookie', `${this.name}=; ${this.attributes}; Max-Age=0`);
  }
}
