import type { Knex } from 'knex';
import { SEARCH_MIN_LENGTH } from '../../application/ports/id-search.ts';
import { prefixPattern } from './keyset.ts';

// The trigram index answers a short pattern fast and a long one slowly: every trigram of the pattern is
// looked up, and ids share many (the date, Meiduo's zero-padded user ids). So the index is asked for one
// distinctive window of a long search, and the whole search is checked on the rows it finds.
const WINDOW = 8;

/** Rows that the one search rule (application/ports/id-search.ts) finds by `q` in any of `columns`. */
export function searchingIds(query: Knex.QueryBuilder, columns: readonly string[], q: string): Knex.QueryBuilder {
  if (q.length >= SEARCH_MIN_LENGTH) return containing(query, columns, q);
  return query.where((w) => {
    for (const column of columns) w.orWhere(column, 'like', prefixPattern(q));
  });
}

/** Rows whose `columns` contain `text` anywhere, served by their trigram indexes where they have them. */
export function containing(query: Knex.QueryBuilder, columns: readonly string[], text: string): Knex.QueryBuilder {
  const window = text.length > WINDOW ? distinctiveWindow(text) : text;
  query.where((w) => {
    for (const column of columns) w.orWhere(column, 'like', `%${prefixPattern(window)}`);
  });
  if (window !== text) {
    // `|| ''` hides the column from the index: this is the check on the found rows, not a second lookup.
    query.where((w) => {
      for (const column of columns) w.orWhereRaw(`(${column} || '') like ?`, [`%${prefixPattern(text)}`]);
    });
  }
  return query;
}

/** The WINDOW characters of `text` with the most distinct characters, the rightmost of equals (pasted tails vary most). */
export function distinctiveWindow(text: string): string {
  let best = text.slice(-WINDOW);
  for (let start = text.length - WINDOW; start >= 0; start--) {
    const window = text.slice(start, start + WINDOW);
    if (new Set(window).size > new Set(best).size) best = window;
  }
  return best;
}
