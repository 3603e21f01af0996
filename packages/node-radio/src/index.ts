/**
 * @proxsense/node-radio: core's Radio port on Linux BLE adapters through the unmodified noble and bleno
 * stacks (optional native dependencies), and a virtual HCI controller with a shared air so those stacks
 * run in CI and in `proxsense radio … --virtual`; a crash-safe file-backed Store, btsnoop capture reading and
 * writing, and replay of captures and sightings files through scan aggregation and episodes.
 * @module
 */
export * from './hci/constants.js';
export {
  commandPacket,
  readCommand,
  readCommandComplete,
  commandCompleteEvent,
  advertisingReportEvent,
  type AdvertisingReport,
  type CommandComplete,
  type HciCommand,
} from './hci/packets.js';
export {
  VirtualController,
  type VirtualControllerOptions,
  type AddressChange,
  type ControllerCounters,
  type AirEndpoint,
  type ControllerEndpoint,
} from './virtual/controller.js';
export { VirtualBluetoothHciSocket } from './virtual/socket.js';
export { VirtualHciHub, virtualHciHub } from './virtual/hub.js';
export {
  installVirtualHciSocket,
  virtualHciSocketInstalled,
  HCI_SOCKET_PACKAGES,
} from './virtual/install.js';
export { Air, ADV_DELAY_MAX_MS, type AirOptions, type AirNode, type AirStats } from './air/air.js';
export { AirRadio, type AirRadioOptions } from './air/airRadio.js';
export {
  fixedRssiChannel,
  simChannel,
  type AirChannel,
  type AirPosition,
  type SimChannelLike,
} from './air/channel.js';
export {
  loadNoble,
  loadBleno,
  adapterStateError,
  RadioStackError,
  STACK_PACKAGES,
  FORK_PACKAGES,
  type StackFamily,
  type StackOptions,
  BUILD_ADDON_COMMAND,
  INSTALL_STACKS_COMMAND,
} from './stacks/load.js';
export type { NobleLike, BlenoLike, HciSocketLike } from './stacks/types.js';
export {
  NobleScanner,
  trackedCount,
  type NobleScannerOptions,
  type ScannerCounters,
} from './scanner/nobleScanner.js';
export {
  HciAdvertiser,
  AdvertiserError,
  type HciAdvertiserOptions,
  type AdvertiserCounters,
} from './advertiser/hciAdvertiser.js';
export { NodeRadio, openNodeRadio, type NodeRadioOptions } from './radio/nodeRadio.js';
export { WallClockScheduler } from './clock/wallClockScheduler.js';
export {
  startVirtualRadioPair,
  SteppedScheduler,
  type VirtualRadioPair,
  type VirtualRadioPairOptions,
  type VirtualDevice,
} from './host/virtualPair.js';
export { openRadioHost, type RadioHost, type RadioHostOptions } from './host/radioHost.js';
export * from './store/index.js';
export * from './btsnoop/index.js';
export * from './replay/index.js';
export {
  tapHciSockets,
  hciSocketClass,
  type TappedPacket,
  type HciTapOptions,
} from './capture/hciTap.js';
export {
  runFlood,
  FLOOD_LISTENER_PROFILE,
  type FloodOptions,
  type FloodResult,
  type FloodSample,
} from './flood/flood.js';
export { HciEventGuard, wellFormedHciPacket, type HciGuardCounters } from './hci/eventGuard.js';
