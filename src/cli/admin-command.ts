import { parseArgs } from 'node:util';
import type { Refusal } from './refusal.ts';

export const ADMIN_USAGE = [
  'usage: npm run admin -- add NAME --role operator|viewer [--password-stdin]',
  '       npm run admin -- list [--json]',
  '       npm run admin -- passwd NAME [--password-stdin]',
  '       npm run admin -- disable NAME',
  'Without --password-stdin a strong password is generated and printed once.',
].join('\n');

export type AdminCommand =
  | { readonly name: 'add'; readonly account: string; readonly role: string; readonly passwordFromStdin: boolean }
  | { readonly name: 'list'; readonly json: boolean }
  | { readonly name: 'passwd'; readonly account: string; readonly passwordFromStdin: boolean }
  | { readonly name: 'disable'; readonly account: string };

/** `npm run admin -- …`'s command line, or what is wrong with it. Names and roles are checked by the use case. */
export function readAdminCommand(argv: readonly string[]): AdminCommand | Refusal {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return { refusal: `admin: ${(error as Error).message}\n${ADMIN_USAGE}` };
  }
  const { positionals, values } = parsed;
  const [verb, account, ...extra] = positionals;
  const passwordFromStdin = values['password-stdin'] ?? false;
  const only = (allowed: readonly string[]) => Object.keys(values).every((option) => allowed.includes(option));
  if (extra.length > 0) return { refusal: ADMIN_USAGE };
  if (verb === 'list' && account === undefined && only(['json'])) return { name: 'list', json: values.json ?? false };
  if (account === undefined) return { refusal: ADMIN_USAGE };
  if (verb === 'add' && only(['role', 'password-stdin'])) {
    if (values.role === undefined) return { refusal: 'admin: add needs --role operator or --role viewer' };
    return { name: 'add', account, role: values.role, passwordFromStdin };
  }
  if (verb === 'passwd' && only(['password-stdin'])) return { name: 'passwd', account, passwordFromStdin };
  if (verb === 'disable' && only([])) return { name: 'disable', account };
  return { refusal: ADMIN_USAGE };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: { role: { type: 'string' }, 'password-stdin': { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
}
