import { userInfo } from 'node:os';
import type { Actor } from '../application/actor.ts';

/** The audit trail's operator for a change made at the command line: the machine's user who ran it. */
export function commandLineUser(): Actor {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // Some containers have no passwd entry for the uid: the audit row still says it came from the command line.
  }
  return { actor: `cli:${user}`, remoteAddress: 'command line' };
}
