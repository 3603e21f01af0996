import {
  bytesToHex,
  hexToBytes,
  matchDiagnosisKeys,
  pureCryptoProvider as crypto,
  rollingProximityIdentifierKey,
  rollingProximityIdentifiers,
  type GaenDiagnosisKey,
  type Sighting,
} from '@proxsense/core';

// A published diagnosis key (the GAEN v1.2 test vector TEK, valid for one day from interval 2642976).
const key: GaenDiagnosisKey = {
  scheme: 'gaen',
  keyData: hexToBytes('75c734c6dd1a782de7a965da5eb93125'),
  rollingStartIntervalNumber: 2642976,
  rollingPeriod: 144,
};

// The RPI that key's phone broadcast during its 4th 10-minute interval.
const rpik = rollingProximityIdentifierKey(crypto, key.keyData);
const rpi = rollingProximityIdentifiers(crypto, rpik, 2642976 + 3, 1);
console.log(bytesToHex(rpi)); // prints: dfc3ed265e97d0eabb630e168b4214ed

// What our phone logged: that RPI seen at -62 dBm, 25 minutes into the key's day.
const seen: Sighting[] = [
  { scheme: 'gaen', id: rpi, rssiDbm: -62, timeMs: 2642976 * 600_000 + 25 * 60_000 },
];
for (const m of matchDiagnosisKeys([key], seen, { crypto })) {
  console.log(
    `exposure at ${new Date(m.sighting.timeMs).toISOString()}, interval ${m.interval}, ${m.sighting.rssiDbm} dBm`,
  );
}
// prints: exposure at 2020-04-02T00:25:00.000Z, interval 2642979, -62 dBm
