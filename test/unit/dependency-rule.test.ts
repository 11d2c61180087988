import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
/**
 * What each layer may import of ours; every arrow points inward. `shared` holds helpers both kinds of
 * adapter use (reading a body within a limit), and imports nothing of ours.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  domain: ['domain'],
  application: ['application', 'domain'],
  infrastructure: ['infrastructure', 'application', 'domain', 'shared'],
  interfaces: ['interfaces', 'application', 'domain', 'shared'],
  shared: ['shared'],
};
// The domain is plain TypeScript; the application may use Inversify's decorators; shared, no package.
const PACKAGES_ALLOWED: Record<string, RegExp> = { domain: /^$/, application: /^inversify$/, shared: /^$/ };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)].map(
    (match) => (match[1] ?? match[2])!,
  );
}

describe('the dependency rule', () => {
  it('holds for every import in src/: domain ← application ← adapters, and the domain imports no package', () => {
    const broken: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const layer = relative(SRC, file).split('/')[0]!;
      const allowed = MAY_IMPORT[layer];
      if (!allowed) continue;
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith('.')) {
          const target = relative(SRC, resolve(dirname(file), specifier)).split('/')[0]!;
          if (!allowed.includes(target)) broken.push(`${relative(SRC, file)} imports ${specifier}`);
        } else if (layer in PACKAGES_ALLOWED && !specifier.startsWith('node:') && !PACKAGES_ALLOWED[layer]!.test(specifier)) {
          broken.push(`${relative(SRC, file)} imports the package ${specifier}`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  it('sees the imports it checks', () => {
    const file = join(SRC, 'application', 'confirm-alipay-payment.ts');
    assert.ok(importsOf(file).includes('../domain/trade-status.ts'));
    assert.ok(importsOf(file).includes('inversify'));
  });
});
