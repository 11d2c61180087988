/** One known shape of an English record line, and its Chinese. */
export type LineRule = readonly [pattern: RegExp, chinese: (match: RegExpExecArray) => string];

/**
 * The line in Chinese by the first rule that matches it whole. A line no rule knows (written by an older
 * version, say) is shown as it is, after `unknown`: nothing it says is lost.
 */
export function lineInChinese(line: string, rules: readonly LineRule[], unknown: string): string {
  for (const [pattern, chinese] of rules) {
    const match = pattern.exec(line);
    if (match) return chinese(match);
  }
  return unknown ? `${unknown}：${line}` : line;
}

/** A quoted value as the English line wrote it (JSON), bare. */
export function unquoted(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : text;
  } catch {
    return text;
  }
}
