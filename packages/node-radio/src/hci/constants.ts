/**
 * HCI numbers used here (Bluetooth Core 5.3, Vol 4 Part E: §5.4 packet framing, §7 commands and events,
 * Vol 1 Part F error codes). Opcodes are OGF << 10 | OCF.
 * @module
 */

/** H4 packet indicators (the first byte of every packet on a Linux HCI socket). */
export const H4 = { command: 0x01, acl: 0x02, sco: 0x03, event: 0x04, iso: 0x05 } as const;

const op = (ogf: number, ocf: number) => (ogf << 10) | ocf;

/** Command opcodes the stacks send at start-up, for scanning and for advertising. */
export const OPCODE = {
  disconnect: op(0x01, 0x0006),
  setEventMask: op(0x03, 0x0001),
  reset: op(0x03, 0x0003),
  readLeHostSupported: op(0x03, 0x006c),
  writeLeHostSupported: op(0x03, 0x006d),
  readLocalVersion: op(0x04, 0x0001),
  readSupportedCommands: op(0x04, 0x0002),
  readBufferSize: op(0x04, 0x0005),
  readBdAddr: op(0x04, 0x0009),
  leSetEventMask: op(0x08, 0x0001),
  leReadBufferSize: op(0x08, 0x0002),
  leReadLocalSupportedFeatures: op(0x08, 0x0003),
  leSetRandomAddress: op(0x08, 0x0005),
  leSetAdvertisingParameters: op(0x08, 0x0006),
  leSetAdvertisingData: op(0x08, 0x0008),
  leSetScanResponseData: op(0x08, 0x0009),
  leSetAdvertisingEnable: op(0x08, 0x000a),
  leSetScanParameters: op(0x08, 0x000b),
  leSetScanEnable: op(0x08, 0x000c),
} as const;

/** Event codes. */
export const EVENT = { commandComplete: 0x0e, commandStatus: 0x0f, leMeta: 0x3e } as const;
/** LE Meta subevents: LE Advertising Report (legacy) and LE Extended Advertising Report. */
export const LE_ADVERTISING_REPORT = 0x02;
export const LE_EXTENDED_ADVERTISING_REPORT = 0x0d;

/** Error codes (Vol 1 Part F §1.3). */
export const STATUS = {
  success: 0x00,
  unknownCommand: 0x01,
  commandDisallowed: 0x0c,
  invalidParameters: 0x12,
} as const;

/** Advertising PDU types of LE Set Advertising Parameters (§7.8.5) and of advertising reports (§7.7.65.2). */
export const ADV_TYPE = { advInd: 0x00, scanInd: 0x02, nonConnInd: 0x03 } as const;
/** Own / peer address types. */
export const ADDRESS_TYPE = { public: 0x00, random: 0x01 } as const;

/** Legacy advertising data holds at most 31 bytes (Vol 6 Part B §2.3.1.3). */
export const MAX_ADV_DATA_BYTES = 31;
/** Advertising and scan timing unit: 0.625 ms (§7.8.5, §7.8.10). */
export const SLOT_MS = 0.625;
/** LE Set Advertising Parameters: interval range for non-connectable advertising, 20 ms … 10.24 s. */
export const ADV_INTERVAL_MIN_SLOTS = 0x0020;
export const ADV_INTERVAL_MAX_SLOTS = 0x4000;
