/** Rows as aligned columns, two spaces apart, each line indented by `indent`: the CLIs' plain tables. */
export function textTable(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `${indent}${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd());
}
