/** Keyset paging, newest first. Cursors are opaque strings made by the adapter. */
export interface PageRequest {
  /** Rows older than this cursor (下一页). */
  readonly after?: string;
  /** Rows newer than this cursor (上一页). */
  readonly before?: string;
  readonly limit: number;
}

export interface Page<T> {
  readonly rows: readonly T[];
  /** Cursor for the next (older) page, or null on the last page. */
  readonly next: string | null;
  /** Cursor for the previous (newer) page, or null on the first page. */
  readonly previous: string | null;
}
