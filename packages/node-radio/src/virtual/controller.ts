/**
 * A virtual BLE controller: the HCI commands noble and bleno send at start-up, for scanning and for
 * advertising, answered the way a Bluetooth 5.0 controller answers them, including what real controllers
 * refuse. Events go to every socket bound to it (like Linux raw HCI sockets); advertising and scanning
 * happen on an {@link Air} shared with other controllers.
 * @module
 */
import {
  ADDRESS_TYPE,
  ADV_INTERVAL_MAX_SLOTS,
  ADV_INTERVAL_MIN_SLOTS,
  ADV_TYPE,
  H4,
  MAX_ADV_DATA_BYTES,
  OPCODE,
  SLOT_MS,
  STATUS,
} from '../hci/constants.js';
import {
  advertisingReportEvent,
  commandCompleteEvent,
  readCommand,
  type AdvertisingReport,
} from '../hci/packets.js';
import { passesFilter, type HciFilter } from './filter.js';

/** Something bound to a controller that packets are delivered to (a virtual socket). */
export interface ControllerEndpoint {
  readonly channel: 'raw' | 'user' | 'control';
  readonly filter: HciFilter | undefined;
  deliver(packet: Buffer): void;
}

/** What an Air needs of a controller. */
export interface AirEndpoint {
  readonly name: string;
  /** Advertising now: PDU type, own address (type, 6 bytes LSB first), data, interval range in ms. */
  advertising():
    | {
        pduType: number;
        addressType: number;
        address: Uint8Array;
        data: Uint8Array;
        intervalMinMs: number;
        intervalMaxMs: number;
      }
    | undefined;
  /** Whether the scanner listens at `timeMs` (scan enabled and inside a scan window). */
  listening(timeMs: number): boolean;
  /** An advert heard on the air. */
  hear(report: AdvertisingReport): void;
}

/** The medium a controller advertises into; it calls back `hear` on listening controllers. */
export interface AirLink {
  nowMs(): number;
  advertisingChanged(endpoint: AirEndpoint): void;
}

/** Options of {@link VirtualController}. */
export interface VirtualControllerOptions {
  /** Public address, 6 bytes LSB first; default derived from the name. */
  publicAddress?: Uint8Array;
  name?: string;
  /** HCI version reported by Read Local Version (default 0x09 = Bluetooth 5.0). */
  hciVersion?: number;
}

/** A change of the random address, as the controller applied it. */
export interface AddressChange {
  timeMs: number;
  address: Uint8Array;
}

/** Running counts. */
export interface ControllerCounters {
  commands: number;
  commandsRejected: number;
  unknownCommands: number;
  malformedPackets: number;
  advertisingReports: number;
  aclPacketsDropped: number;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class VirtualController implements AirEndpoint {
  readonly name: string;
  readonly publicAddress: Uint8Array;
  readonly counters: ControllerCounters = {
    commands: 0,
    commandsRejected: 0,
    unknownCommands: 0,
    malformedPackets: 0,
    advertisingReports: 0,
    aclPacketsDropped: 0,
  };
  /** Every random-address change (new value differing from the previous), in order. */
  readonly addressChanges: AddressChange[] = [];
  /** Every command this controller rejected: opcode, status, time. */
  readonly rejections: { opcode: number; status: number; timeMs: number }[] = [];
  /** Whether the device is up (`isDevUp`); a test may take it down. */
  up = true;
  private readonly hciVersion: number;
  private readonly endpoints = new Set<ControllerEndpoint>();
  private air: AirLink | undefined;
  private randomAddress: Uint8Array | undefined;
  private adv = {
    enabled: false,
    intervalMinSlots: 0x0800,
    intervalMaxSlots: 0x0800,
    pduType: ADV_TYPE.advInd as number,
    ownAddressType: ADDRESS_TYPE.public as number,
    data: new Uint8Array(0),
  };
  private scan = {
    enabled: false,
    filterDuplicates: false,
    intervalSlots: 0x0010,
    windowSlots: 0x0010,
    startedMs: 0,
    seen: new Set<string>(),
  };

  constructor(options: VirtualControllerOptions = {}) {
    this.name = options.name ?? 'virtual';
    this.hciVersion = options.hciVersion ?? 0x09;
    this.publicAddress = options.publicAddress ?? defaultPublicAddress(this.name);
  }

  /** Connects the controller to an air (done by {@link Air.addController}). */
  attachAir(air: AirLink): void {
    this.air = air;
  }

  bind(endpoint: ControllerEndpoint): void {
    this.endpoints.add(endpoint);
  }

  unbind(endpoint: ControllerEndpoint): void {
    this.endpoints.delete(endpoint);
  }

  /** Endpoints bound now. */
  boundEndpoints(): readonly ControllerEndpoint[] {
    return [...this.endpoints];
  }

  /** The random address in use, LSB first (undefined until set). */
  currentRandomAddress(): Uint8Array | undefined {
    return this.randomAddress;
  }

  isAdvertising(): boolean {
    return this.adv.enabled;
  }

  isScanning(): boolean {
    return this.scan.enabled;
  }

  /**
   * Sends raw bytes to every socket on this adapter as if the controller had sent them (any bytes:
   * the fuzz tests' malformed, truncated and multi-report events), as a packet through the usual filter.
   */
  injectPacket(packet: Uint8Array): void {
    this.broadcast(Buffer.from(packet));
  }

  /** A packet written by a host on `from`: commands are echoed to the other raw sockets, then run. */
  write(from: ControllerEndpoint, packet: Buffer): void {
    if (from.channel === 'control') return;
    if (packet[0] === H4.acl) return void this.counters.aclPacketsDropped++;
    const command = readCommand(packet);
    if (!command) return void this.counters.malformedPackets++;
    for (const e of this.endpoints)
      if (e !== from && e.channel === 'raw' && passesFilter(e.filter, packet)) e.deliver(packet);
    this.counters.commands++;
    const { status, returns } = this.run(command.opcode, command.params);
    if (status !== STATUS.success) {
      this.counters.commandsRejected++;
      this.rejections.push({ opcode: command.opcode, status, timeMs: this.now() });
    }
    this.broadcast(commandCompleteEvent(command.opcode, status, returns));
  }

  advertising(): ReturnType<AirEndpoint['advertising']> {
    if (!this.adv.enabled) return undefined;
    const random = this.adv.ownAddressType === ADDRESS_TYPE.random;
    return {
      pduType: this.adv.pduType,
      addressType: random ? ADDRESS_TYPE.random : ADDRESS_TYPE.public,
      address: random ? this.randomAddress! : this.publicAddress,
      data: this.adv.data,
      intervalMinMs: this.adv.intervalMinSlots * SLOT_MS,
      intervalMaxMs: this.adv.intervalMaxSlots * SLOT_MS,
    };
  }

  listening(timeMs: number): boolean {
    if (!this.scan.enabled || !this.up) return false;
    const intervalMs = this.scan.intervalSlots * SLOT_MS;
    return (timeMs - this.scan.startedMs) % intervalMs < this.scan.windowSlots * SLOT_MS;
  }

  hear(report: AdvertisingReport): void {
    if (this.scan.filterDuplicates) {
      const key = `${report.addressType}:${hex(report.address)}`;
      if (this.scan.seen.has(key)) return;
      this.scan.seen.add(key);
    }
    this.counters.advertisingReports++;
    this.broadcast(advertisingReportEvent(report));
  }

  private now(): number {
    return this.air?.nowMs() ?? 0;
  }

  private broadcast(event: Buffer): void {
    for (const e of this.endpoints)
      if (e.channel !== 'control' && passesFilter(e.filter, event)) e.deliver(event);
  }

  private run(opcode: number, p: Buffer): { status: number; returns?: number[] } {
    const ok = (returns?: number[]) => ({
      status: STATUS.success,
      ...(returns ? { returns } : {}),
    });
    const fail = (status: number) => ({ status });
    switch (opcode) {
      case OPCODE.reset:
        this.setAdvertisingEnabled(false);
        this.scan.enabled = false;
        this.randomAddress = undefined;
        return ok();
      case OPCODE.setEventMask:
      case OPCODE.leSetEventMask:
      case OPCODE.writeLeHostSupported:
        return ok();
      case OPCODE.readLeHostSupported:
        return ok([0x01, 0x00]);
      case OPCODE.readLocalVersion:
        // HCI version, revision, LMP version, manufacturer 0xFFFF (reserved for tests), LMP subversion.
        return ok([this.hciVersion, 0, 0, this.hciVersion, 0xff, 0xff, 0, 0]);
      case OPCODE.readSupportedCommands:
        return ok(new Array<number>(64).fill(0));
      case OPCODE.readBufferSize:
        // ACL length 1021, SCO length 64, 8 ACL and 0 SCO packets (LE 16, 8, 16, 16 bit fields).
        return ok([0xfd, 0x03, 64, 8, 0, 0, 0]);
      case OPCODE.readBdAddr:
        return ok([...this.publicAddress]);
      case OPCODE.leReadLocalSupportedFeatures:
        // No optional LE features (no extended advertising, coded PHY or data length extension): legacy only.
        return ok(new Array<number>(8).fill(0));
      case OPCODE.leReadBufferSize:
        return ok([251, 0, 8]);
      case OPCODE.leSetRandomAddress:
        if (p.length !== 6) return fail(STATUS.invalidParameters);
        // Core 5.x Vol 4 Part E §7.8.4: Command Disallowed while advertising or scanning is enabled.
        if (this.adv.enabled || this.scan.enabled) return fail(STATUS.commandDisallowed);
        if (!this.randomAddress || hex(this.randomAddress) !== hex(p))
          this.addressChanges.push({ timeMs: this.now(), address: Uint8Array.from(p) });
        this.randomAddress = Uint8Array.from(p);
        return ok();
      case OPCODE.leSetAdvertisingParameters: {
        if (p.length !== 15) return fail(STATUS.invalidParameters);
        // §7.8.5: Command Disallowed while advertising is enabled.
        if (this.adv.enabled) return fail(STATUS.commandDisallowed);
        const min = p.readUInt16LE(0);
        const max = p.readUInt16LE(2);
        const type = p[4]!;
        const own = p[5]!;
        if (
          min > max ||
          min < ADV_INTERVAL_MIN_SLOTS ||
          max > ADV_INTERVAL_MAX_SLOTS ||
          type > 0x04 ||
          own > 0x03 ||
          (p[13]! & 0x07) === 0
        )
          return fail(STATUS.invalidParameters);
        Object.assign(this.adv, {
          intervalMinSlots: min,
          intervalMaxSlots: max,
          pduType: type,
          ownAddressType: own,
        });
        return ok();
      }
      case OPCODE.leSetAdvertisingData:
      case OPCODE.leSetScanResponseData: {
        // 32 parameter bytes: the significant length (≤ 31) and 31 data bytes.
        if (p.length !== 1 + MAX_ADV_DATA_BYTES || p[0]! > MAX_ADV_DATA_BYTES)
          return fail(STATUS.invalidParameters);
        if (opcode === OPCODE.leSetAdvertisingData)
          this.adv.data = Uint8Array.from(p.subarray(1, 1 + p[0]!));
        return ok();
      }
      case OPCODE.leSetAdvertisingEnable: {
        if (p.length !== 1 || p[0]! > 1) return fail(STATUS.invalidParameters);
        const enable = p[0] === 1;
        // Some Raspberry Pi controllers refuse re-enabling while enabled; modelled strictly.
        if (enable && this.adv.enabled) return fail(STATUS.commandDisallowed);
        if (enable && this.adv.ownAddressType === ADDRESS_TYPE.random && !this.randomAddress)
          return fail(STATUS.invalidParameters);
        this.setAdvertisingEnabled(enable);
        return ok();
      }
      case OPCODE.leSetScanParameters: {
        if (p.length !== 7) return fail(STATUS.invalidParameters);
        // §7.8.10: Command Disallowed while scanning is enabled.
        if (this.scan.enabled) return fail(STATUS.commandDisallowed);
        const interval = p.readUInt16LE(1);
        const window = p.readUInt16LE(3);
        if (interval < 0x0004 || window < 0x0004 || window > interval)
          return fail(STATUS.invalidParameters);
        this.scan.intervalSlots = interval;
        this.scan.windowSlots = window;
        return ok();
      }
      case OPCODE.leSetScanEnable: {
        if (p.length !== 2 || p[0]! > 1 || p[1]! > 1) return fail(STATUS.invalidParameters);
        const enable = p[0] === 1;
        if (enable && !this.scan.enabled) {
          this.scan.startedMs = this.now();
          this.scan.seen.clear();
        }
        this.scan.enabled = enable;
        this.scan.filterDuplicates = p[1] === 1;
        return ok();
      }
      default:
        this.counters.unknownCommands++;
        return fail(STATUS.unknownCommand);
    }
  }

  private setAdvertisingEnabled(enabled: boolean): void {
    const changed = this.adv.enabled !== enabled;
    this.adv.enabled = enabled;
    if (changed) this.air?.advertisingChanged(this);
  }
}

/** A stable public address per name (LSB first), with the company part 0x00:0x00:0x5E-like test prefix. */
function defaultPublicAddress(name: string): Uint8Array {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return Uint8Array.from([h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff, h >>> 24, 0x00, 0x0a]);
}
