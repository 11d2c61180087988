/** Refusals that belong to HTTP itself, before any use case runs. */
export class PayloadTooLarge extends Error {
  readonly status = 413;
  constructor(limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/** An admin write that did not come from our own page: no form token, or another site by the browser's account. */
export class CrossSiteWrite extends Error {
  readonly status = 403;
  constructor() {
    super('admin write without our form token or from another site');
  }
}

/** A write by a viewer: their account reads the back office and changes nothing. */
export class ReadOnlyOperator extends Error {
  readonly status = 403;
  constructor() {
    super('a viewer account cannot change anything');
  }
}
