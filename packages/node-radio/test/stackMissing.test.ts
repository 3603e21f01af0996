/**
 * Without the virtual socket and without the native addon (npm ci leaves it unbuilt), loading a stack
 * fails with one RadioStackError naming what is missing and the command that fixes it.
 */
import { describe, expect, it } from 'vitest';
import {
  BUILD_ADDON_COMMAND,
  RadioStackError,
  loadBleno,
  loadNoble,
  virtualHciSocketInstalled,
} from '../src/index.js';

describe('loading the native stacks without the addon', () => {
  it('explains the missing addon and the build command, for noble and bleno', () => {
    expect(virtualHciSocketInstalled()).toBe(false);
    for (const load of [loadNoble, loadBleno]) {
      let error: unknown;
      try {
        load();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RadioStackError);
      expect((error as RadioStackError).missing).toMatch(/HCI socket addon .* is not built/);
      expect((error as RadioStackError).fix).toContain(BUILD_ADDON_COMMAND);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
