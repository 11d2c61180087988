// SQL text that the staged bill's statements share.

/** The stage's rows (one bill, read a batch at a time). */
export const ROWS = 'tb_reconciliation_bill_row';

// Fen of a numeric(10,2) amount, exactly.
export const FEN = (column: string) => `(${column} * 100)::bigint`;
// Yuan of a numeric amount, grouped as admin pages print it: 1,234.00.
export const YUAN_TEXT = (amount: string) => `'¥' || to_char(${amount}, 'FM9,999,999,999,999,999,990.00')`;
// Beijing has kept UTC+8 without daylight saving since 1991: no time zone data needed.
export const BEIJING_TEXT = (column: string) => `to_char((${column} AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD HH24:MI:SS')`;

// A day's comparison goes over every row of the bill and of the day's payments: minutes at a million
// rows, far past the 5 s every other statement is held to (database.ts), yet still bounded.
export const COMPARISON_TIMEOUT_MS = 15 * 60_000;
// The client's own bound too (pg's query_timeout), which would otherwise end a long statement at 6 s.
export const LONG = { query_timeout: COMPARISON_TIMEOUT_MS + 1_000 };
