import { hexToBytes } from '@proxsense/core/bytes';
import { ProxsenseError } from '@proxsense/core/errors';
import {
  readDiagnosisKeyFile,
  verifyExportSignature,
  writeExportZip,
} from '@proxsense/core/keyfiles';

// The health authority's public key as published: a PEM "PUBLIC KEY" (SPKI), read in pure TypeScript.
const authorityKeyPem = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEw90cLXZCDZRi4cKOgdvtOZi6BbQp
9rWGlm5fMlHx5tgM2ejr+98knCjwHeBYf6FeA5T4w7vAnmvjs50xfjBfRw==
-----END PUBLIC KEY-----`;

// A key server's side, for the example: one key, signed with the demo key of examples/signing-key.pem.
const zip = writeExportZip(
  {
    startTimestamp: 1585785600,
    endTimestamp: 1585872000,
    region: '310',
    batchNum: 1,
    batchSize: 1,
    signatureInfos: [],
    revisedKeys: [],
    keys: [
      {
        scheme: 'gaen',
        keyData: hexToBytes('75c734c6dd1a782de7a965da5eb93125'),
        rollingStartIntervalNumber: 2642976,
        rollingPeriod: 144,
      },
    ],
  },
  {
    signingKey: hexToBytes('dd395086bf6fcb93b88d4d1e54ca4199b8adb19277d7456e01a49d4554cb4f19'),
    signatureInfo: { verificationKeyId: '310', verificationKeyVersion: 'v1' },
  },
);

// The app's side: read the downloaded export.zip and check its signature before using the keys.
const file = readDiagnosisKeyFile(zip, 'export.zip');
const verified = verifyExportSignature(
  { exportBin: file.exportBin!, signatures: file.signatures! },
  authorityKeyPem,
);
console.log(
  `${file.format}: ${file.keys.length} key(s), signature ${verified ? 'verified' : 'NOT verified'}`,
); // prints: gaen-export-zip: 1 key(s), signature verified

// Bad files fail with the file name and what is wrong.
try {
  readDiagnosisKeyFile(new Uint8Array([1, 2, 3]), 'download.bin');
} catch (error) {
  if (error instanceof ProxsenseError) console.log(error.message); // prints: download.bin: not a key file: expected a GAEN export zip, an export.bin ("EK Export v1" header) or JSON keys
}
