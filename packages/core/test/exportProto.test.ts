import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '@proxsense/core/bytes';
import {
  decodeExportBin,
  encodeExportBin,
  EXPORT_BIN_HEADER,
  KeyFileError,
} from '@proxsense/core/keyfiles';

const HEADER = bytesToHex(EXPORT_BIN_HEADER);
// One key: keyData (field 1, 16 bytes), rollingStartIntervalNumber 2642976 (field 3), rollingPeriod 144 (field 4).
const KEY = '0a1075c734c6dd1a782de7a965da5eb9312518a0a8a101209001';

describe('export.bin protobuf (wire format, fixed bytes)', () => {
  it('writes the fields in field order and leaves out defaults', () => {
    const bin = encodeExportBin({
      startTimestamp: 1_585_785_600,
      endTimestamp: 0,
      region: '310',
      batchNum: 1,
      batchSize: 1,
      signatureInfos: [],
      revisedKeys: [],
      keys: [
        {
          scheme: 'gaen',
          keyData: hexToBytes('75c734c6dd1a782de7a965da5eb93125'),
          rollingStartIntervalNumber: 2_642_976,
          rollingPeriod: 144,
        },
      ],
    });
    // 09 fixed64 start, 1a "310", 20 01 batchNum, 28 01 batchSize, 3a key; endTimestamp 0 is not written.
    expect(bytesToHex(bin)).toBe(`${HEADER}09002b855e00000000` + `1a03333130200128013a1a${KEY}`);
  });

  it('skips unknown fields and reads what it knows', () => {
    // Field 15 (varint 7) and field 14 (length-delimited "ab") from a newer schema, then the key.
    const e = decodeExportBin(hexToBytes(`${HEADER}7807720261623a1a${KEY}`));
    expect(
      e.keys.map((k) => [bytesToHex(k.keyData), k.rollingStartIntervalNumber, k.rollingPeriod]),
    ).toEqual([['75c734c6dd1a782de7a965da5eb93125', 2_642_976, 144]]);
  });

  it('fails with a KeyFileError naming the field for a wrong wire type or a truncated message', () => {
    expect(() => decodeExportBin(hexToBytes(`${HEADER}1805`), 'x.bin')).toThrow(KeyFileError);
    expect(() => decodeExportBin(hexToBytes(`${HEADER}1805`), 'x.bin')).toThrow(
      /^x\.bin: bad TemporaryExposureKeyExport protobuf: field region \(3\): wire type 0, expected 2/,
    );
    expect(() => decodeExportBin(hexToBytes(`${HEADER}3a1a${KEY.slice(0, 20)}`), 'x.bin')).toThrow(
      /^x\.bin: bad TemporaryExposureKeyExport protobuf: field keys \(7\): 26-byte message runs past its end/,
    );
  });
});
