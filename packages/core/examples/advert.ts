import { decodeAdvert, encodeBluezoneAdvert, encodeGaenAdvert } from '@proxsense/core/advert';
import { bytesToHex, hexToBytes } from '@proxsense/core/bytes';

// The advertising payload a GAEN phone sends: flags, the 0xFD6F service UUID, RPI + AEM service data.
const payload = encodeGaenAdvert(
  hexToBytes('dfc3ed265e97d0eabb630e168b4214ed'),
  hexToBytes('7c9b1e44'),
);
console.log(bytesToHex(payload)); // prints: 02011a03036ffd17166ffddfc3ed265e97d0eabb630e168b4214ed7c9b1e44

// Scanning: any bytes give a typed result, never an exception.
const heard = decodeAdvert(payload);
if (heard.kind === 'gaen') console.log(`GAEN RPI ${bytesToHex(heard.rpi)}`); // prints: GAEN RPI dfc3ed265e97d0eabb630e168b4214ed
console.log(decodeAdvert(encodeBluezoneAdvert(new Uint8Array(12).fill(0xab))).kind); // prints: bluezone
console.log(decodeAdvert(hexToBytes('0201')).kind); // prints: malformed
