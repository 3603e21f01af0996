import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR, sharedPath } from './sharedData.js';

describe('the tests find ../shared, or say in one line where it comes from', () => {
  it('finds the vectors beside the repository', () => {
    expect(sharedPath('vectors/gaen-crypto-v1.2.json')).toBe(
      join(SHARED_DIR, 'vectors/gaen-crypto-v1.2.json'),
    );
  });

  it('without it, fails with one line naming the path and the origin of the data', () => {
    const empty = mkdtempSync(join(tmpdir(), 'proxsense-no-shared-'));
    let message = '';
    try {
      sharedPath('vectors/gaen-crypto-v1.2.json', empty);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^test data .*vectors\/gaen-crypto-v1\.2\.json not found: the GAEN v1\.2 crypto vectors .* live in \.\.\/shared beside the repository/,
    );
    expect(message).not.toContain('\n');
  });
});
