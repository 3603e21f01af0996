import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeExamples } from '../../../examples/make-examples.js';
import { REPO } from './cli.js';

describe('examples/', () => {
  it('are exactly what the seeded generator makes, byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxsense-examples-'));
    const names = makeExamples(dir);
    expect(names.sort()).toEqual(
      readdirSync(join(REPO, 'examples'), { withFileTypes: true })
        .filter((d) => d.isFile() && !d.name.endsWith('.ts'))
        .map((d) => d.name)
        .sort(),
    );
    for (const name of names)
      expect(
        readFileSync(join(dir, name)).equals(readFileSync(join(REPO, 'examples', name))),
        name,
      ).toBe(true);
  });
});
