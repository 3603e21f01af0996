import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { openOffline, withChromium } from '../../sim/test/browser.js';

const REPO = join(import.meta.dirname, '../../..');
const CORE = join(REPO, 'packages/core');
const EXAMPLE_BLOCK = /<!-- example:(\S+) -->\n```ts\n([\s\S]*?)```\n<!-- \/example -->/g;
const promisedLines = (code: string) =>
  [...code.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1]!);

const coreReadme = readFileSync(join(CORE, 'README.md'), 'utf8');
const coreBlocks = [...coreReadme.matchAll(EXAMPLE_BLOCK)].map((m) => ({
  file: join(CORE, m[1]!),
  code: m[2]!,
}));
// The root README's library section: the same examples a new user copies first.
const rootBlocks = [...readFileSync(join(REPO, 'README.md'), 'utf8').matchAll(EXAMPLE_BLOCK)].map(
  (m) => ({ file: join(REPO, m[1]!), code: m[2]! }),
);
/** Examples that need Node (node: built-ins, worker threads) and so are not bundled for the browser. */
const NODE_ONLY = new Set([join(CORE, 'examples/node.ts')]);

const tmp = mkdtempSync(join(tmpdir(), 'proxsense-readme-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('packages/core/README.md', () => {
  it('shows every example of packages/core/examples, verbatim', () => {
    const files = readdirSync(join(CORE, 'examples'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(CORE, 'examples', f));
    expect(coreBlocks.map((b) => b.file).sort()).toEqual(files.sort());
    for (const b of coreBlocks) {
      expect(b.code, b.file).toBe(readFileSync(b.file, 'utf8'));
      expect(promisedLines(b.code).length, b.file).toBeGreaterThan(0);
    }
  });

  it.each(coreBlocks.map((b) => [b.file.slice(CORE.length + 1), b.file, b.code] as const))(
    '%s prints what its comments say under Node',
    (_name, file, code) => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout.trim().split('\n')).toEqual(promisedLines(code));
    },
  );
});

describe('README examples bundled for the browser, in headless Chromium', () => {
  const browserBlocks = [...coreBlocks, ...rootBlocks].filter((b) => !NODE_ONLY.has(b.file));

  it('bundles each example from the built package (through its exports) and prints the promised lines', async () => {
    expect(rootBlocks.length).toBeGreaterThan(0);
    const pages: { file: string; html: string; promised: string[] }[] = [];
    for (const [i, b] of browserBlocks.entries()) {
      const result = await build({
        // The example's own code as the entry (an import of it would be dropped: core is "sideEffects": false).
        stdin: {
          contents: `${b.code}\nconsole.log('example done');\n`,
          resolveDir: dirname(b.file),
          sourcefile: b.file,
          loader: 'ts',
        },
        bundle: true,
        format: 'iife',
        platform: 'browser',
        target: 'es2022',
        minify: true,
        write: false,
        logLevel: 'silent',
      });
      // No test-time alias: @proxsense/core/* resolves through node_modules to packages/core/dist.
      const html = join(tmp, `example-${i}.html`);
      const script = result.outputFiles[0]!.text.replace(/<\/script/gi, '<\\/script');
      writeFileSync(
        html,
        `<!doctype html><meta charset="utf-8"><title>example</title><script>${script}</script>`,
      );
      pages.push({ file: b.file, html, promised: promisedLines(b.code) });
    }
    await withChromium(async (browser) => {
      for (const p of pages) {
        const page = await browser.newPage();
        const logged: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'log') logged.push(m.text());
        });
        const opened = await openOffline(page, p.html);
        // Console events reach the test asynchronously: wait for the marker the bundle logs last.
        await expect
          .poll(() => logged.includes('example done') || opened.errors.length > 0, {
            timeout: 10_000,
          })
          .toBe(true);
        expect(opened.errors, p.file).toEqual([]);
        expect(opened.externalRequests, p.file).toEqual([]);
        expect(logged, p.file).toEqual([...p.promised, 'example done']);
        await page.close();
      }
    });
  }, 120_000);
});
