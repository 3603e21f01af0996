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
export const STACK_PACKAGES = {
  noble: '@abandonware/noble@1.9.2-26',
  bleno: '@abandonware/bleno@0.6.2',
} as const;
/** The maintained forks with N-API prebuilds (no compiler needed on a Pi), a tested alternative. */
export const FORK_PACKAGES = {
  noble: '@stoprocent/noble@2.8.0',
  bleno: '@stoprocent/bleno@0.12.4',
} as const;

/** Which stack family: the design's @abandonware packages, or the @stoprocent forks. */
export type StackFamily = 'abandonware' | 'stoprocent';
/** Builds the HCI socket addon, which `npm ci` leaves unbuilt on purpose (root package.json allowScripts). */
export const BUILD_ADDON_COMMAND =
  'npm run install --prefix node_modules/@abandonware/bluetooth-hci-socket';
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
  if (e?.code === 'MODULE_NOT_FOUND' && message.includes(`'${pkg}`)) {
    const fix = pkg.startsWith('@stoprocent/')
      ? `npm install ${FORK_PACKAGES.noble} ${FORK_PACKAGES.bleno} -w @proxsense/node-radio`
      : INSTALL_STACKS_COMMAND;
    return new RadioStackError(`${pkg} is not installed (an optional dependency)`, fix);
  }
  if (
    e?.code === 'MODULE_NOT_FOUND' &&
    /@stoprocent\/bluetooth-hci-socket|prebuilds|No native build/.test(message)
  ) {
    return new RadioStackError(
      'the @stoprocent HCI socket addon has no prebuild for this platform and is not built',
      'npm rebuild @stoprocent/bluetooth-hci-socket --foreground-scripts',
    );
  }
  if (e?.code === 'MODULE_NOT_FOUND' && /bluetooth[-_]hci[-_]socket/.test(message)) {
    return new RadioStackError(
      'the native HCI socket addon (@abandonware/bluetooth-hci-socket) is not built',
      `sudo apt-get install -y build-essential python3 libudev-dev && ${BUILD_ADDON_COMMAND}`,
    );
  }
  if (e?.code === 'EAFNOSUPPORT' || /Address family not supported/.test(message))
    return new RadioStackError(
      'this kernel has no Bluetooth HCI sockets (EAFNOSUPPORT)',
      'run on a Linux host with a BLE adapter (sudo modprobe bluetooth), or pass --virtual',
    );
  return new RadioStackError(
    `${pkg} failed to load (${message.split('\n')[0]})`,
    `${BUILD_ADDON_COMMAND} and check the README's Raspberry Pi section`,
  );
}

/** Options of {@link loadNoble} and {@link loadBleno}. */
export interface StackOptions {
  /** HCI device index; default the stack's environment variable, else hci0. */
  deviceId?: number;
  /** Default 'abandonware'. */
  family?: StackFamily;
}

/** A new noble instance on HCI device `deviceId` (default NOBLE_HCI_DEVICE_ID, else hci0). */
export function loadNoble(options: StackOptions = {}): NobleLike {
  const bindingOptions = options.deviceId === undefined ? {} : { deviceId: options.deviceId };
  if (options.family === 'stoprocent') {
    try {
      const { withBindings } = require('@stoprocent/noble') as {
        withBindings: (kind: string, o: object) => NobleLike;
      };
      return withBindings('hci', bindingOptions);
    } catch (error) {
      throw explain('@stoprocent/noble', error);
    }
  }
  try {
    const withCustomBinding = require('@abandonware/noble/with-custom-binding') as (
      o: object,
    ) => NobleLike;
    return withCustomBinding(bindingOptions);
  } catch (error) {
    throw explain('@abandonware/noble', error);
  }
}

/**
 * bleno. @abandonware/bleno is one per process (the package is a singleton) and takes its device from
 * BLENO_HCI_DEVICE_ID when it starts: `deviceId` sets that variable for this process. @stoprocent/bleno
 * makes a new instance per call (`withBindings`).
 */
export function loadBleno(options: StackOptions = {}): BlenoLike {
  if (options.family === 'stoprocent') {
    try {
      const { withBindings } = require('@stoprocent/bleno') as {
        withBindings: (kind: string, o: object) => BlenoLike;
      };
      return withBindings(
        'hci',
        options.deviceId === undefined ? {} : { deviceId: options.deviceId },
      );
    } catch (error) {
      throw explain('@stoprocent/bleno', error);
    }
  }
  if (options.deviceId !== undefined) process.env.BLENO_HCI_DEVICE_ID = String(options.deviceId);
  try {
    return require('@abandonware/bleno') as BlenoLike;
  } catch (error) {
    throw explain('@abandonware/bleno', error);
  }
}

/** The set-up problem behind an adapter state other than poweredOn, as a {@link RadioStackError}. */
export function adapterStateError(
  stack: string,
  state: string,
  waitedMs?: number,
): RadioStackError {
  if (state === 'unauthorized')
    return new RadioStackError(
      `${stack}: adapter state unauthorized (EPERM: raw HCI sockets need CAP_NET_RAW and CAP_NET_ADMIN)`,
      'sudo setcap cap_net_raw,cap_net_admin+eip $(readlink -f $(which node))',
    );
  if (state === 'unsupported')
    return new RadioStackError(
      `${stack}: adapter state unsupported (no BLE adapter at this HCI index, or no Bluetooth in this kernel)`,
      'check `hciconfig -a`, pass --device N (NOBLE_HCI_DEVICE_ID / BLENO_HCI_DEVICE_ID), or pass --virtual',
    );
  if (state === 'poweredOff')
    return new RadioStackError(
      `${stack}: adapter is down (poweredOff)`,
      'sudo hciconfig hci0 up (or the --device you chose); if bluetoothd holds it: sudo systemctl stop bluetooth',
    );
  return new RadioStackError(
    `${stack}: adapter stayed "${state}"${waitedMs ? ` for ${waitedMs} ms` : ''} (expected poweredOn)`,
    'check `hciconfig -a`; stop bluetoothd (sudo systemctl stop bluetooth) if it holds the adapter',
  );
}
