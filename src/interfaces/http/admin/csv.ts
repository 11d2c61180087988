/** One CSV line (CRLF). A cell that a spreadsheet would run as a formula is prefixed with a quote. */
export function csvLine(cells: ReadonlyArray<string | null>): string {
  return `${cells.map((cell) => csvCell(cell ?? '')).join(',')}\r\n`;
}

// OWASP's list: = + - @, and the tab and carriage return that can hide them. Spreadsheets also skip
// leading white space (an ideographic space too) and take the full-width ＝ ＋ － ＠ for the ASCII ones.
const FORMULA = /^[\t\r]|^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;

function csvCell(value: string): string {
  const safe = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Lets Excel read UTF-8 (and so the Chinese) without asking. */
export const UTF8_BOM = '\uFEFF';
