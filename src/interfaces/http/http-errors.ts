/** Refusals that belong to HTTP itself, before any use case runs. */
export class PayloadTooLarge extends Error {
  readonly status = 413;
  constructor(limit: number) {
    super(`request body over ${limit} bytes`);
  }
}
