/**
 * Who carries what: per person, whether the phone runs the app, its OS, whether an iPhone keeps the app
 * in the foreground, where it is carried, its model (calibration) and its unit-to-unit TX/RX offsets.
 * Structure of arrays; drawn from each person's own population stream.
 * @module
 */
import { mixSeed, type StreamFamily } from '../random/streams.js';
import { CARRY_POSITIONS, type PeopleSpec, type ChannelSpec } from '../scenario/schema.js';

export class Population {
  readonly app: Uint8Array;
  readonly ios: Uint8Array;
  /** iPhones with the app in the foreground (Android phones: always 1). */
  readonly foreground: Uint8Array;
  /** Index into CARRY_POSITIONS. */
  readonly carry: Uint8Array;
  /** Index into the scenario's device list. */
  readonly device: Uint16Array;
  /** TX power the phone advertises (its model's calibrated value), dBm. */
  readonly advertisedTxDbm: Float32Array;
  /** RSSI correction of the phone's model as a receiver, dB. */
  readonly rssiCorrectionDb: Float32Array;
  /** True offsets of this unit: radiated power vs the reference, and received RSSI vs the reference, dB. */
  readonly txOffsetDb: Float32Array;
  readonly rxOffsetDb: Float32Array;
  /** Carry loss of this phone, dB (from the channel's table). */
  readonly carryLossDb: Float32Array;

  constructor(readonly count: number) {
    this.app = new Uint8Array(count);
    this.ios = new Uint8Array(count);
    this.foreground = new Uint8Array(count);
    this.carry = new Uint8Array(count);
    this.device = new Uint16Array(count);
    this.advertisedTxDbm = new Float32Array(count);
    this.rssiCorrectionDb = new Float32Array(count);
    this.txOffsetDb = new Float32Array(count);
    this.rxOffsetDb = new Float32Array(count);
    this.carryLossDb = new Float32Array(count);
  }

  get appCount(): number {
    let n = 0;
    for (let p = 0; p < this.count; p++) n += this.app[p]!;
    return n;
  }
}

/** The reference the device table's TX powers are relative to: GAEN's default calibration row (−24 dBm). */
export const REFERENCE_TX_DBM = -24;

export function createPopulation(
  people: PeopleSpec,
  channel: ChannelSpec,
  adoptionGroup: Int32Array,
  streams: StreamFamily,
  seed: number,
): Population {
  const pop = new Population(adoptionGroup.length);
  const carryWeights = CARRY_POSITIONS.map((c) => people.carry[c]);
  const deviceWeights = people.devices.map((d) => d.share);
  for (let p = 0; p < pop.count; p++) {
    const r = streams.next();
    // Draw every attribute in a fixed order, whatever the settings, so changing one share moves only that attribute.
    const uAdopt = r.nextFloat();
    const uIos = r.nextFloat();
    const uForeground = r.nextFloat();
    const carry = r.pick(carryWeights);
    const device = r.pick(deviceWeights);
    const txUnit = r.nextGaussian();
    const rxUnit = r.nextGaussian();
    const groupU =
      people.adoptionMode === 'groups'
        ? mixSeed(seed ^ 0x41444f50, adoptionGroup[p]!) / 4294967296
        : uAdopt;
    pop.app[p] = groupU < people.adoption ? 1 : 0;
    pop.ios[p] = uIos < people.iosShare ? 1 : 0;
    pop.foreground[p] = !pop.ios[p] || uForeground < people.iosForegroundShare ? 1 : 0;
    pop.carry[p] = carry;
    pop.device[p] = device;
    const model = people.devices[device]!;
    pop.advertisedTxDbm[p] = model.txPowerDbm;
    pop.rssiCorrectionDb[p] = model.rssiCorrectionDb;
    // A model advertising a higher calibrated TX radiates that much more; its receiver reads −correction
    // from the reference; each unit scatters around its model.
    pop.txOffsetDb[p] = model.txPowerDbm - REFERENCE_TX_DBM + channel.deviceOffsetSigmaDb * txUnit;
    pop.rxOffsetDb[p] = -model.rssiCorrectionDb + channel.deviceOffsetSigmaDb * rxUnit;
    pop.carryLossDb[p] = channel.carryLossDb[CARRY_POSITIONS[carry]!];
  }
  return pop;
}
