/**
 * Puts {@link VirtualBluetoothHciSocket} where noble and bleno `require` the socket package, so the
 * unmodified stacks run on virtual controllers. Node resolves a request to a file name and then looks
 * in `require.cache`: the request is resolved to a fixed virtual file name whose cache entry exports the
 * stand-in, so neither the native addon nor even the installed package is ever loaded.
 * @module
 */
import { createRequire } from 'node:module';
import { VirtualBluetoothHciSocket } from './socket.js';

/** Socket packages the stand-in replaces: the @abandonware one, and the name the @stoprocent forks use. */
export const HCI_SOCKET_PACKAGES = [
  '@abandonware/bluetooth-hci-socket',
  '@stoprocent/bluetooth-hci-socket',
] as const;

const VIRTUAL_FILE = '/proxsense-virtual/bluetooth-hci-socket.js';
const INSTALLED = Symbol.for('proxsense.node-radio.virtualHciInstalled');

interface ModuleInternals {
  _resolveFilename(this: void, request: string, ...rest: unknown[]): string;
  _cache: Record<string, unknown>;
  new (id: string): {
    id: string;
    filename: string;
    loaded: boolean;
    exports: unknown;
    paths: string[];
  };
}

/** Installs the stand-in for this process (idempotent). */
export function installVirtualHciSocket(): void {
  const g = globalThis as { [INSTALLED]?: boolean };
  if (g[INSTALLED]) return;
  const require = createRequire(import.meta.url);
  const Module = require('node:module') as ModuleInternals;
  const entry = new Module(VIRTUAL_FILE);
  // @abandonware: the export is the class; @stoprocent: `loadDriver(kind)` returns it.
  const exports = Object.assign(VirtualBluetoothHciSocket, {
    loadDriver: () => VirtualBluetoothHciSocket,
  });
  Object.assign(entry, { filename: VIRTUAL_FILE, loaded: true, exports });
  Module._cache[VIRTUAL_FILE] = entry;
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request: string, ...rest: unknown[]) {
    if ((HCI_SOCKET_PACKAGES as readonly string[]).includes(request)) return VIRTUAL_FILE;
    return resolve.call(this, request, ...rest);
  };
  g[INSTALLED] = true;
}

/** Whether {@link installVirtualHciSocket} ran in this process. */
export function virtualHciSocketInstalled(): boolean {
  return (globalThis as { [INSTALLED]?: boolean })[INSTALLED] === true;
}
