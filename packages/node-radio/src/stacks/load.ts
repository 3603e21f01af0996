/**
 * Loading the optional native stacks. Requiring noble or bleno loads the HCI socket addon, so every way
 * that fails (package not installed, addon not built, no Bluetooth in the kernel) becomes one
 * {@link RadioStackError} that says what is missing and the exact command that fixes it.
 * @module
 */
import { createRequire } from 'node:module';
import { ProxsenseError } from '@proxsense/core';
import type { BlenoLike, NobleLike } from './types.js';

/** Versions the adapters are tested with (README, Raspberry Pi section). */
export const STACK_PACKAGES = { noble: '@abandonware/noble@1.9.2-26', bleno: '@abandonware/bleno@0.6.2' } as const;
/** Builds the HCI socket addon, which `npm ci` leaves unbuilt on purpose (root package.json allowScripts). */
export const BUILD_ADDON_COMMAND = 'npm run install --prefix node_modules/@abandonware/bluetooth-hci-socket';
export const INSTALL_STACKS_COMMAND = `npm install ${STACK_PACKAGES.noble} ${STACK_PACKAGES.bleno} -w @proxsense/node-radio`;

/** A radio stack cannot be loaded: `missing` says what, `fix` is the command to run. */
export class RadioStackError extends ProxsenseError {
  constructor(
    readonly missing: string,
    readonly fix: string,
  ) {
    super(`${missing}; fix: ${fix}`);
  }
}

const require = createRequire(import.meta.url);

function explain(pkg: string, error: unknown): RadioStackError {
  const e = error as NodeJS.ErrnoException;
  const message = String(e?.message ?? e);
  if (e?.code === 'MODULE_NOT_FOUND' && message.includes(`'${pkg}`)) return new RadioStackError(`${pkg} is not installed (an optional dependency)`, INSTALL_STACKS_COMMAND);
  if (e?.code === 'MODULE_NOT_FOUND' && /bluetooth[-_]hci[-_]socket/.test(message)) {
    return new RadioStackError('the native HCI socket addon (@abandonware/bluetooth-hci-socket) is not built', `sudo apt-get install -y build-essential python3 libudev-dev && ${BUILD_ADDON_COMMAND}`);
  }
  if (e?.code === 'EAFNOSUPPORT' || /Address family not supported/.test(message)) return new RadioStackError('this kernel has no Bluetooth HCI sockets (EAFNOSUPPORT)', 'run on a Linux host with a BLE adapter (sudo modprobe bluetooth), or pass --virtual');
  return new RadioStackError(`${pkg} failed to load (${message.split('\n')[0]})`, `${BUILD_ADDON_COMMAND} and check the README's Raspberry Pi section`);
}

/** A new noble instance on HCI device `deviceId` (default NOBLE_HCI_DEVICE_ID, else hci0). */
export function loadNoble(options: { deviceId?: number } = {}): NobleLike {
  try {
    const withCustomBinding = require('@abandonware/noble/with-custom-binding') as (o: object) => NobleLike;
    return withCustomBinding(options.deviceId === undefined ? {} : { deviceId: options.deviceId });
  } catch (error) {
    throw explain('@abandonware/noble', error);
  }
}

/**
 * bleno (one per process: the package is a singleton). Its device comes from BLENO_HCI_DEVICE_ID, read when
 * it starts; `deviceId` sets that variable for this process when given.
 */
export function loadBleno(options: { deviceId?: number } = {}): BlenoLike {
  if (options.deviceId !== undefined) process.env.BLENO_HCI_DEVICE_ID = String(options.deviceId);
  try {
    return require('@abandonware/bleno') as BlenoLike;
  } catch (error) {
    throw explain('@abandonware/bleno', error);
  }
}
