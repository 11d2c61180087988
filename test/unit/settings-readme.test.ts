import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SETTINGS, type Setting } from '../../src/infrastructure/settings.ts';

const README = new URL('../../README.md', import.meta.url);

interface Row {
  readonly name: string;
  readonly default: string;
  readonly meaning: string;
}

/** The rows of README.md's table headed `| variable | default | meaning |`, cells as written. */
function configurationTable(markdown: string): Row[] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((line) => /^\|\s*variable\s*\|\s*default\s*\|\s*meaning\s*\|\s*$/.test(line));
  assert.ok(header >= 0, 'README.md has no table headed | variable | default | meaning |');
  const rows: Row[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    // Split on the pipes that are not escaped (`\|` is a pipe inside a cell).
    const cells = line
      .slice(1, line.endsWith('|') ? -1 : undefined)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replaceAll('\\|', '|'));
    assert.equal(cells.length, 3, `a configuration row has three cells: ${line}`);
    rows.push({ name: cells[0]!.replaceAll('`', ''), default: cells[1]!, meaning: cells[2]! });
  }
  return rows;
}

/** Text as read, not as typed: no backticks, single spaces. */
const plain = (markdown: string) => markdown.replaceAll('`', '').replace(/\s+/g, ' ').trim();

/** The default column a setting's declaration says: its default, and what production does instead. */
function declaredDefault(setting: Setting<unknown>): string {
  const unset = typeof setting.default === 'string' ? `\`${setting.default}\`` : setting.default.unset;
  if (setting.production === undefined) return unset;
  return 'required' in setting.production
    ? `${unset}; required in production`
    : `${unset} (\`${setting.production.default}\` in production)`;
}

const declared = Object.entries(SETTINGS) as [string, Setting<unknown>][];
const rows = configurationTable(readFileSync(README, 'utf8'));

describe("README.md's configuration table", () => {
  it('lists every declared setting once, and nothing else', () => {
    const names = rows.map((row) => row.name);
    assert.deepEqual(
      names.filter((name, i) => names.indexOf(name) !== i),
      [],
      'variables listed twice',
    );
    const missing = declared.map(([name]) => name).filter((name) => !names.includes(name));
    const unknown = names.filter((name) => !(name in SETTINGS));
    assert.deepEqual({ missing, unknown }, { missing: [], unknown: [] }, 'README.md against src/infrastructure/settings.ts');
  });

  it('states the declared default of each', () => {
    for (const [name, setting] of declared) {
      const row = rows.find((candidate) => candidate.name === name);
      if (!row) continue; // the test above names it
      const expected = declaredDefault(setting);
      assert.equal(plain(row.default), plain(expected), `${name}'s default column; the declaration renders it as: ${expected}`);
    }
  });

  it("opens each meaning with the declaration's doc line", () => {
    for (const [name, setting] of declared) {
      const row = rows.find((candidate) => candidate.name === name);
      if (!row) continue;
      assert.ok(
        plain(row.meaning).startsWith(plain(setting.doc)),
        `${name}'s meaning should start with its doc line: ${setting.doc}\nREADME.md has: ${row.meaning}`,
      );
    }
  });
});
