import {
  attenuationDb,
  DEFAULT_PATH_LOSS_MODEL,
  estimateDistance,
  parseCalibrationCsv,
} from '@proxsense/core/proximity';

// GAEN's calibration table (here two rows of it, as CSV): the sender's TX power and the receiver's correction.
const calibration = parseCalibrationCsv(
  'manufacturer,model,tx,rssi_correction\nGoogle,Pixel 4a,-24,5\nApple,iPhone 11,-8,3\n',
);
const receiver = calibration.lookup('Google', 'Pixel 4a');
const sender = calibration.lookup('Apple', 'iPhone 11');

// An advert heard at -70 dBm: attenuation = TX power - (RSSI + receiver correction), then distance.
const att = attenuationDb(sender.txPowerDbm, -70, receiver.rssiCorrectionDb);
const d = estimateDistance(DEFAULT_PATH_LOSS_MODEL, att);
console.log(
  `${att} dB → ${d.distanceM.toFixed(1)} m (80 % interval ${d.lowM.toFixed(1)}–${d.highM.toFixed(1)} m)`,
); // prints: 57 dB → 1.9 m (80 % interval 0.7–4.9 m)
