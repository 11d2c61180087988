/**
 * The back office's one search rule, for every list searched by order id or trade no: a search of
 * SEARCH_MIN_LENGTH characters or more matches any part of either id (the last digits of a trade no,
 * say); a shorter one matches their start only, for one or two characters are in nearly every id.
 * Every character is taken literally.
 */
export const SEARCH_MIN_LENGTH = 3;

/** Whether `q` finds a record with these ids (null: the record has no such id) under the one rule. */
export function matchesIdSearch(ids: ReadonlyArray<string | null>, q: string): boolean {
  return ids.some((id) => id !== null && (q.length >= SEARCH_MIN_LENGTH ? id.includes(q) : id.startsWith(q)));
}
