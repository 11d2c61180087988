import { buildSearchIndexes, dropSearchIndexes } from '../search-indexes.ts';
import type { Migration } from './migration.ts';

// The admin's search by any part of an id: built while returns and notifies keep writing (search-indexes.ts).
export default {
  config: { transaction: false },
  up: buildSearchIndexes,
  down: dropSearchIndexes,
} satisfies Migration;
