import { DomainError } from './errors.ts';

/** Viewers read the back office; operators also act in it (resolve, refund, ask Alipay, replay, re-run). */
export type OperatorRole = 'operator' | 'viewer';
const OPERATOR_ROLES: readonly OperatorRole[] = ['operator', 'viewer'];

/** Someone signed in to the back office, by account name. */
export interface Operator {
  readonly name: string;
  readonly role: OperatorRole;
}

export const mayOperate = (role: OperatorRole): boolean => role === 'operator';

// Names appear in the audit trail and on every page: plain, short, and one spelling per person.
const OPERATOR_NAME = /^[a-z][a-z0-9._-]{0,31}$/;
const PASSWORD_MIN_LENGTH = 12;
const PASSWORD_MAX_LENGTH = 200;

/** An account name or a password that cannot be used; the message says which rule, for the person typing it. */
export class InvalidOperatorInput extends DomainError {
  readonly code = 'INVALID_OPERATOR_INPUT';
}

/** @throws InvalidOperatorInput */
export function checkOperatorName(name: string): string {
  if (!OPERATOR_NAME.test(name)) {
    throw new InvalidOperatorInput(
      `account name must be 1 to 32 lowercase letters, digits, ".", "_" or "-", starting with a letter (got ${JSON.stringify(name)})`,
    );
  }
  return name;
}

/** @throws InvalidOperatorInput */
export function checkOperatorRole(role: string): OperatorRole {
  const known = OPERATOR_ROLES.find((candidate) => candidate === role);
  if (known === undefined) throw new InvalidOperatorInput(`role must be operator or viewer (got ${JSON.stringify(role)})`);
  return known;
}

/** A password someone chose: long enough to resist guessing, short enough to hash cheaply. @throws InvalidOperatorInput */
export function checkNewPassword(password: string): string {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) throw new InvalidOperatorInput(`a password needs at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) throw new InvalidOperatorInput(`a password is at most ${PASSWORD_MAX_LENGTH} characters`);
  if (password.includes('\u0000')) throw new InvalidOperatorInput('a password cannot hold a NUL character');
  return password;
}
