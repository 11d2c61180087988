/**
 * How `npm start` ends (README, Configuration). The CLIs share them, so 3 is left to `npm run reconcile`
 * (the bill is not out yet).
 */
export const ExitCode = {
  /** Stopped by a signal after draining. */
  STOPPED: 0,
  /** Could not start for any other reason, or the drain outlasted its bound. */
  FAILURE: 1,
  CONFIGURATION: 2,
  DATABASE_UNREACHABLE: 4,
} as const;
