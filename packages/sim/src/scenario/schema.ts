/**
 * The scenario file: what a researcher writes (JSON or YAML) to describe a simulated crowd. One zod schema
 * is the type, the validation with its messages, the defaults and the shipped JSON Schema. Every default
 * says where it comes from.
 * @module
 */
import { z } from 'zod';
import { ERA_END_MS, ERA_START_MS } from '@proxsense/core';
import { FITTED_CHANNEL } from '../channel/fitted.js';

const num = (min: number, max: number, description: string) =>
  z.number().min(min).max(max).describe(description);
const int = (min: number, max: number, description: string) =>
  z.number().int().min(min).max(max).describe(description);
/** [low, high] with low ≤ high, for uniform draws. */
const range = (min: number, max: number, description: string) =>
  z
    .tuple([z.number().min(min).max(max), z.number().min(min).max(max)])
    .refine(([a, b]) => a <= b, { message: 'expected [low, high] with low ≤ high' })
    .describe(`${description} [low, high], drawn uniformly`);

export const CARRY_POSITIONS = ['hand', 'pocket', 'bag', 'backpack'] as const;
export type CarryPosition = (typeof CARRY_POSITIONS)[number];

const carryShares = z
  .strictObject({
    hand: num(0, 1, 'share carrying the phone in hand'),
    pocket: num(0, 1, 'in a trouser or jacket pocket'),
    bag: num(0, 1, 'in a handbag'),
    backpack: num(0, 1, 'in a backpack'),
  })
  .refine((c) => c.hand + c.pocket + c.bag + c.backpack > 0, {
    message: 'expected at least one share above 0',
  });

const device = z.strictObject({
  manufacturer: z.string().min(1),
  model: z.string().min(1),
  share: num(0, 1, 'share of phones of this model (normalised over the list)'),
  txPowerDbm: num(
    -50,
    20,
    'calibrated TX power the phone advertises (GAEN calibration table "tx")',
  ),
  rssiCorrectionDb: num(
    -40,
    40,
    'RSSI correction of the model as a receiver (GAEN calibration table); its true receiver offset is minus this',
  ),
});

/**
 * Default device mix: GAEN calibration-table style entries. TX power −24 dBm and no correction is the
 * table's own default row; the spread between models is drawn per phone from `channel.deviceOffsetSigmaDb`.
 */
const DEFAULT_DEVICES = [
  { manufacturer: '*', model: '*', share: 1, txPowerDbm: -24, rssiCorrectionDb: 0 },
];

const people = z
  .strictObject({
    count: int(
      2,
      5_000_000,
      'people in the scenario (each carries a phone; adoption decides who runs the app)',
    ).default(200),
    adoption: num(0, 1, 'share of people whose phone runs the app').default(0.3),
    adoptionMode: z
      .enum(['random', 'groups'])
      .describe(
        'random: each person independently; groups: whole groups (teams, households, travelling parties) adopt together',
      )
      .default('random'),
    iosShare: num(
      0,
      1,
      'share of iPhones (Vietnam 2020: about 25–30 % of smartphones, StatCounter mobile OS share)',
    ).default(0.3),
    iosForegroundShare: num(
      0,
      1,
      'share of iPhones with the app in the foreground; background iPhones cannot see each other under app-based schemes (Bluezone)',
    ).default(0.1),
    carry: carryShares
      .describe(
        'where people carry their phone (default: shares reported for urban adults, roughly half in pockets; see docs/scenarios.md)',
      )
      .default({ hand: 0.2, pocket: 0.45, bag: 0.2, backpack: 0.15 }),
    devices: z
      .array(device)
      .min(1)
      .describe('phone models and their calibration')
      .default(DEFAULT_DEVICES),
  })
  .prefault({});

const channel = z
  .strictObject({
    rssiAt1mDbm: num(-120, 0, 'median RSSI at 1 m between two hand-held reference phones').default(
      FITTED_CHANNEL.rssiAt1mDbm,
    ),
    pathLossExponent: num(
      1,
      6,
      'log-distance path-loss exponent up to breakpointM (fitted on body-worn phones over 0.2–5 m)',
    ).default(FITTED_CHANNEL.pathLossExponent),
    breakpointM: num(
      0.5,
      1000,
      'distance beyond which farPathLossExponent applies: the end of the fitted data (5 m)',
    ).default(5),
    farPathLossExponent: num(
      1,
      6,
      'exponent beyond breakpointM: 3.0, ITU-R P.1238 distance power loss coefficient N = 30 for offices at 2.4 GHz',
    ).default(3),
    shadowingSigmaDb: num(0, 30, 'log-normal shadowing per pair, dB').default(
      FITTED_CHANNEL.shadowingSigmaDb,
    ),
    shadowingCorrelationS: num(
      0.1,
      86_400,
      'time constant of the shadowing correlation, s',
    ).default(FITTED_CHANNEL.shadowingCorrelationS),
    fastFadingSigmaDb: num(0, 30, 'fast fading per advert, dB').default(
      FITTED_CHANNEL.fastFadingSigmaDb,
    ),
    deviceOffsetSigmaDb: num(
      0,
      20,
      'per-phone TX and RX offset beyond the calibration table, dB',
    ).default(FITTED_CHANNEL.deviceOffsetSigmaDb),
    sensitivityDbm: num(-140, -40, 'weakest RSSI a phone reports').default(
      FITTED_CHANNEL.sensitivityDbm,
    ),
    carryLossDb: z
      .strictObject({
        hand: num(0, 40, 'dB'),
        pocket: num(0, 40, 'dB'),
        bag: num(0, 40, 'dB'),
        backpack: num(0, 40, 'dB'),
      })
      .describe('extra loss by carry position, at each end of the link')
      .default({ ...FITTED_CHANNEL.carryLossDb }),
    maxRangeM: num(
      1,
      500,
      'adverts from further than this are not sampled (their median RSSI is far below every threshold)',
    ).default(40),
    advertIntervalMs: num(
      20,
      10_000,
      'time between adverts of one phone; GAEN spec v1.2: 200–270 ms',
    ).default(250),
    advertAirtimeMs: num(
      0.01,
      10,
      'on-air time of one advert on one channel: 47 bytes at 1 Mb/s ≈ 0.376 ms (Bluetooth Core 5.x, Vol 6 Part B)',
    ).default(0.376),
    collisions: z
      .boolean()
      .describe(
        'lose adverts to collisions, growing with the advertisers in range (pure ALOHA, Abramson 1970)',
      )
      .default(true),
    scanDutyCycle: num(
      0,
      1,
      'share of adverts a scanning phone catches while its scan window is open (channel hopping, radio sharing)',
    ).default(0.9),
  })
  .prefault({});

const rule = z
  .strictObject({
    closeContactMaxDistanceM: num(0.1, 100, 'a close contact is at most this distance …').default(
      2,
    ),
    closeContactMinDurationS: num(
      0,
      86_400,
      '… for at least this long in one day (ECDC/CDC: 2 m, 15 minutes)',
    ).default(900),
  })
  .prefault({});

const pathLoss = z.strictObject({
  a0Db: num(-50, 150, 'attenuation at 1 m, dB'),
  pathLossExponent: num(0.5, 8, 'path-loss exponent'),
  sigmaDb: num(0.1, 40, 'spread, dB'),
});

const estimator = z
  .strictObject({
    pathLoss: pathLoss
      .optional()
      .describe(
        "the phones' distance model (default: core's built-in model, as an uncalibrated app would use)",
      ),
    defaultTxPowerDbm: num(
      -127,
      127,
      'TX power assumed when an advert carries none (Bluezone), dBm',
    ).optional(),
  })
  .prefault({});

const scan = z
  .strictObject({
    durationS: num(0.5, 600, "scan window length, s (default: the profile's)").optional(),
    intervalS: num(1, 3600, "start-to-start scan interval, s (default: the profile's)").optional(),
    intervalMaxS: num(
      1,
      3600,
      'with intervalS: intervals drawn uniformly from [intervalS, intervalMaxS]',
    ).optional(),
  })
  .prefault({});

const tracing = z
  .strictObject({
    f0Share: num(0, 1, 'share of people who test positive (F0) at the end of the run').default(
      0.05,
    ),
    f0: z
      .array(z.number().int().min(0))
      .optional()
      .describe('explicit F0 person indices (replaces f0Share)'),
  })
  .prefault({});

const office = z.strictObject({
  kind: z.literal('office'),
  deskPitchM: num(
    0.8,
    5,
    'centre-to-centre desk spacing in open-plan rows (typical 1.4–1.8 m)',
  ).default(1.6),
  deskClusterSize: int(2, 16, 'desks per cluster (two facing rows)').default(8),
  aisleM: num(0.8, 6, 'aisle between desk clusters').default(2.4),
  meetingRooms: int(0, 200, 'meeting rooms behind walls').default(4),
  meetingRoomSizeM: z.tuple([num(2, 50, 'width'), num(2, 50, 'depth')]).default([6, 5]),
  meetingsPerPersonPerDay: num(0, 20, 'meetings each person attends a day on average').default(1.5),
  meetingDurationS: range(60, 14_400, 'meeting length, s').default([1800, 3600]),
  meetingSize: range(2, 50, 'people per meeting').default([3, 8]),
  breaksPerHour: num(
    0,
    20,
    "short walks (kitchen, toilet, a colleague's desk) per person-hour",
  ).default(1),
  breakDurationS: range(10, 3600, "length of a short walk's stay, s").default([60, 420]),
  walkSpeedMps: range(0.3, 3, 'indoor walking speed, m/s').default([0.8, 1.3]),
  wallLossDb: num(
    0,
    40,
    'loss through a meeting-room wall: 3–6 dB for plasterboard at 2.4 GHz (ITU-R P.2040)',
  ).default(5),
});

const bus = z.strictObject({
  kind: z.literal('bus'),
  seatRows: int(1, 40, 'rows of 2 + 2 seats').default(12),
  seatPitchM: num(0.5, 1.5, 'row spacing (city buses: ~0.7–0.8 m)').default(0.75),
  standingPlaces: int(0, 200, 'standing places in the aisle and doors area').default(30),
  stopIntervalS: num(10, 3600, 'time between stops').default(120),
  dwellS: num(5, 600, 'time stopped at a stop (people board and leave then)').default(20),
  rideStops: range(1, 100, 'stops a rider stays on').default([2, 15]),
  meanOccupancy: num(0, 2, 'riders on board as a share of seats, on average').default(0.8),
});

const market = z.strictObject({
  kind: z.literal('market'),
  stallWidthM: num(1, 20, 'stall frontage').default(3),
  aisleM: num(1, 20, 'aisle width between stall rows').default(3),
  sellerShare: num(0, 1, 'share of people who sell at a stall all day').default(0.15),
  visitS: range(60, 86_400, 'time a shopper spends in the market, s').default([1200, 3600]),
  pauseAtStallS: range(0, 3600, 'pause at a stall, s').default([20, 180]),
  queueStallShare: num(0, 1, 'share of stalls where shoppers queue').default(0.2),
  serviceS: range(5, 3600, 'service time at a queue stall, s').default([30, 120]),
  queueSpacingM: num(0.3, 3, 'spacing of people in a queue').default(0.7),
  groupShare: num(0, 1, 'share of shoppers who come in groups of 2–4 moving together').default(0.3),
  walkSpeedMps: range(0.2, 3, 'walking speed among stalls, m/s').default([0.5, 1.2]),
});

const rwp = z.strictObject({
  kind: z.literal('rwp'),
  widthM: num(1, 1e6, 'area width').default(1000),
  heightM: num(1, 1e6, 'area height').default(1000),
  speedMps: range(0.01, 100, 'speed, m/s (The ONE default walkers: 0.5–1.5)').default([0.5, 1.5]),
  pauseS: range(0, 86_400, 'pause at each waypoint, s (The ONE: 0–120)').default([0, 120]),
});

const city = z.strictObject({
  kind: z.literal('city'),
  peoplePerVenue: num(
    2,
    10_000,
    'people per venue: venues scale with people, so density stays constant',
  ).default(40),
  venueSizeM: range(5, 500, 'side of a venue').default([10, 30]),
  streetM: num(1, 1000, 'street width between venue blocks').default(20),
  dwellS: range(60, 86_400, 'stay in one venue, s').default([1200, 5400]),
  walkSpeedMps: range(0.2, 3, 'walking speed, m/s').default([0.9, 1.5]),
  pauseInVenueS: range(0, 86_400, 'pause at a spot inside a venue, s').default([60, 900]),
  wallLossDb: num(
    0,
    60,
    "loss through a venue's outer wall (brick or concrete at 2.4 GHz: 10–15 dB, ITU-R P.2040)",
  ).default(12),
});

export const WORLD_KINDS = ['office', 'bus', 'market', 'rwp', 'city'] as const;
const world = z
  .discriminatedUnion('kind', [office, bus, market, rwp, city])
  .describe('the place and how people move in it');

export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('path or URL of this JSON Schema, for editors'),
    name: z.string().min(1).describe('scenario name, shown in reports'),
    description: z.string().optional(),
    start: z.iso
      .datetime({ offset: true })
      // Sightings and keys are read back only within core's era (2020..2099); 30 days of margin at the end.
      .refine(
        (v) => Date.parse(v) >= ERA_START_MS && Date.parse(v) < ERA_END_MS - 30 * 86_400_000,
        'expected a time within 2020-01-01..2099-11-30 (GAEN and Bluezone began in 2020; proxsense reads no sighting or key outside 2020..2099)',
      )
      .describe('virtual start time, ISO 8601 (default 2020-07-20T08:00:00Z, a Monday)')
      .default('2020-07-20T08:00:00Z'),
    durationS: num(1, 30 * 86_400, 'simulated time, s').default(28_800),
    stepS: num(
      0.1,
      60,
      'mobility and ground-truth step, s (The ONE and most pedestrian models: 1 s)',
    ).default(1),
    profile: z.enum(['gaen', 'bluezone']).describe('firmware profile from core').default('gaen'),
    scan: scan,
    people: people,
    world: world,
    channel: channel,
    rule: rule,
    estimator: estimator,
    tracing: tracing,
  })
  .describe('A proxsense simulation scenario');

/** A scenario as written (defaults optional). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** A validated scenario with every default filled in. */
export type Scenario = z.output<typeof ScenarioSchema>;
export type WorldSpec = Scenario['world'];
export type ChannelSpec = Scenario['channel'];
export type PeopleSpec = Scenario['people'];
