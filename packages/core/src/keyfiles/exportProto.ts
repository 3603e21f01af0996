/**
 * The GAEN key export protobuf schema (Google's exposure_key_export.proto, proto2) as field tables,
 * read and written with the wire-format reader and writer of @bufbuild/protobuf (protobuf-es): the
 * five small messages need no generated code, and the wire layer is a tenth of a reflection runtime's
 * size in an app bundle.
 *
 * Messages decode to plain objects holding only the fields present (repeated fields always, as arrays;
 * 64-bit integers as numbers). Encoding writes fields in field-number order and leaves out scalars equal
 * to their default (0, '', no bytes), as the protobufjs schema used before did, so archives stay
 * byte-identical across the change.
 * @module
 */
import { BinaryReader, BinaryWriter, type WireType } from '@bufbuild/protobuf/wire';

type Kind = 'string' | 'bytes' | 'int32' | 'sint32' | 'fixed64' | 'message';
interface Field {
  name: string;
  kind: Kind;
  repeated?: boolean;
  message?: Schema;
}
/** A message's fields, looked up by number when reading and walked in number order when writing. */
interface Schema {
  byNumber: (Field | undefined)[];
  numbers: number[];
  repeated: string[];
}

/** Builds the lookup tables once per message type. */
function schema(fields: Record<number, Field>): Schema {
  const numbers = Object.keys(fields)
    .map(Number)
    .sort((a, b) => a - b);
  const byNumber: (Field | undefined)[] = [];
  for (const n of numbers) byNumber[n] = fields[n];
  return {
    byNumber,
    numbers,
    repeated: numbers.filter((n) => fields[n]!.repeated).map((n) => fields[n]!.name),
  };
}

// The wire types' numbers (protobuf encoding spec), written out: reading WireType's members at module
// level would be import-time code that bundlers keep.
const VARINT = 0 as WireType.Varint;
const BIT64 = 1 as WireType.Bit64;
const LENGTH_DELIMITED = 2 as WireType.LengthDelimited;
const WIRE_TYPE: Record<Kind, WireType> = {
  string: LENGTH_DELIMITED,
  bytes: LENGTH_DELIMITED,
  message: LENGTH_DELIMITED,
  int32: VARINT,
  sint32: VARINT,
  fixed64: BIT64,
};

// Fields 1 and 2 (app_bundle_id, android_package) are deprecated but still found in real exports.
const SIGNATURE_INFO: Schema = /* @__PURE__ */ schema({
  1: { name: 'appBundleId', kind: 'string' },
  2: { name: 'androidPackage', kind: 'string' },
  3: { name: 'verificationKeyVersion', kind: 'string' },
  4: { name: 'verificationKeyId', kind: 'string' },
  5: { name: 'signatureAlgorithm', kind: 'string' },
});

const TEMPORARY_EXPOSURE_KEY: Schema = /* @__PURE__ */ schema({
  1: { name: 'keyData', kind: 'bytes' },
  2: { name: 'transmissionRiskLevel', kind: 'int32' },
  3: { name: 'rollingStartIntervalNumber', kind: 'int32' },
  4: { name: 'rollingPeriod', kind: 'int32' },
  5: { name: 'reportType', kind: 'int32' },
  6: { name: 'daysSinceOnsetOfSymptoms', kind: 'sint32' },
});

/** TemporaryExposureKeyExport, the body of export.bin after its 16-byte header. */
export const TEMPORARY_EXPOSURE_KEY_EXPORT: Schema = /* @__PURE__ */ schema({
  1: { name: 'startTimestamp', kind: 'fixed64' },
  2: { name: 'endTimestamp', kind: 'fixed64' },
  3: { name: 'region', kind: 'string' },
  4: { name: 'batchNum', kind: 'int32' },
  5: { name: 'batchSize', kind: 'int32' },
  6: { name: 'signatureInfos', kind: 'message', repeated: true, message: SIGNATURE_INFO },
  7: { name: 'keys', kind: 'message', repeated: true, message: TEMPORARY_EXPOSURE_KEY },
  8: { name: 'revisedKeys', kind: 'message', repeated: true, message: TEMPORARY_EXPOSURE_KEY },
});

const TEK_SIGNATURE: Schema = /* @__PURE__ */ schema({
  1: { name: 'signatureInfo', kind: 'message', message: SIGNATURE_INFO },
  2: { name: 'batchNum', kind: 'int32' },
  3: { name: 'batchSize', kind: 'int32' },
  4: { name: 'signature', kind: 'bytes' },
});

/** TEKSignatureList, the content of export.sig. */
export const TEK_SIGNATURE_LIST: Schema = /* @__PURE__ */ schema({
  1: { name: 'signatures', kind: 'message', repeated: true, message: TEK_SIGNATURE },
});

/** Decodes a message. @throws Error on truncated data, bad wire types or trailing bytes. */
export function decodeMessage(bytes: Uint8Array, schema: Schema): Record<string, unknown> {
  const reader = new BinaryReader(bytes);
  return readMessage(reader, reader.len, schema);
}

/** Encodes a message from a plain object (fields that are `undefined` or `null` are not written). */
export function encodeMessage(value: Record<string, unknown>, schema: Schema): Uint8Array {
  const writer = new BinaryWriter();
  writeMessage(writer, value, schema);
  return writer.finish();
}

function readMessage(reader: BinaryReader, end: number, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of schema.repeated) out[name] = [];
  while (reader.pos < end) {
    const [number, wireType] = reader.tag();
    const field = schema.byNumber[number];
    if (!field) {
      reader.skip(wireType, number);
      continue;
    }
    if (wireType !== WIRE_TYPE[field.kind])
      throw new Error(
        `field ${field.name} (${number}): wire type ${wireType}, expected ${WIRE_TYPE[field.kind]}`,
      );
    let value: unknown;
    if (field.kind === 'message') {
      const length = reader.uint32();
      if (reader.pos + length > end)
        throw new Error(
          `field ${field.name} (${number}): ${length}-byte message runs past its end`,
        );
      value = readMessage(reader, reader.pos + length, field.message!);
    } else {
      value = readScalar(reader, field.kind);
    }
    if (field.repeated) (out[field.name] as unknown[]).push(value);
    else out[field.name] = value;
  }
  if (reader.pos !== end)
    throw new Error(`a field runs ${reader.pos - end} bytes past the end of its message`);
  return out;
}

function readScalar(reader: BinaryReader, kind: Exclude<Kind, 'message'>): unknown {
  switch (kind) {
    case 'string':
      return reader.string();
    case 'bytes':
      return reader.bytes();
    case 'int32':
      return reader.int32();
    case 'sint32':
      return reader.sint32();
    case 'fixed64':
      return Number(reader.fixed64());
  }
}

function writeMessage(writer: BinaryWriter, value: Record<string, unknown>, schema: Schema): void {
  for (const number of schema.numbers) {
    const field = schema.byNumber[number]!;
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    for (const item of field.repeated ? (v as unknown[]) : [v]) {
      if (field.kind === 'message') {
        writer.tag(number, WIRE_TYPE[field.kind]).fork();
        writeMessage(writer, item as Record<string, unknown>, field.message!);
        writer.join();
        continue;
      }
      const scalar = coerce(field.kind, item);
      if (scalar === 0 || scalar === '' || (scalar instanceof Uint8Array && scalar.length === 0))
        continue;
      writer.tag(number, WIRE_TYPE[field.kind]);
      writeScalar(writer, field.kind, scalar);
    }
  }
}

/** A value as its field's type: numbers coerced as protobuf runtimes do (to 32 bits, or a whole count). */
function coerce(kind: Exclude<Kind, 'message'>, value: unknown): string | number | Uint8Array {
  switch (kind) {
    case 'string':
      return String(value);
    case 'bytes':
      return value as Uint8Array;
    case 'int32':
    case 'sint32':
      return Number(value) | 0;
    case 'fixed64':
      return Math.trunc(Number(value));
  }
}

function writeScalar(
  writer: BinaryWriter,
  kind: Exclude<Kind, 'message'>,
  value: string | number | Uint8Array,
): void {
  switch (kind) {
    case 'string':
      writer.string(value as string);
      return;
    case 'bytes':
      writer.bytes(value as Uint8Array);
      return;
    case 'int32':
      writer.int32(value as number);
      return;
    case 'sint32':
      writer.sint32(value as number);
      return;
    case 'fixed64':
      writer.fixed64(value as number);
      return;
  }
}
