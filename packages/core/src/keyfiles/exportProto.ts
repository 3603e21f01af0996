/**
 * The GAEN key export protobuf schema (Google's exposure_key_export.proto, proto2), declared for
 * protobufjs' reflection API so no code generation step is needed.
 * @module
 */
import protobuf from 'protobufjs/light.js';

const signatureInfo = {
  fields: {
    // Fields 1 and 2 (app_bundle_id, android_package) are deprecated but still found in real exports.
    appBundleId: { type: 'string', id: 1 },
    androidPackage: { type: 'string', id: 2 },
    verificationKeyVersion: { type: 'string', id: 3 },
    verificationKeyId: { type: 'string', id: 4 },
    signatureAlgorithm: { type: 'string', id: 5 },
  },
};

const temporaryExposureKey = {
  fields: {
    keyData: { type: 'bytes', id: 1 },
    transmissionRiskLevel: { type: 'int32', id: 2 },
    rollingStartIntervalNumber: { type: 'int32', id: 3 },
    rollingPeriod: { type: 'int32', id: 4 },
    reportType: { type: 'int32', id: 5 },
    daysSinceOnsetOfSymptoms: { type: 'sint32', id: 6 },
  },
};

const root = /* @__PURE__ */ protobuf.Root.fromJSON({
  nested: {
    SignatureInfo: signatureInfo,
    TemporaryExposureKey: temporaryExposureKey,
    TemporaryExposureKeyExport: {
      fields: {
        startTimestamp: { type: 'fixed64', id: 1 },
        endTimestamp: { type: 'fixed64', id: 2 },
        region: { type: 'string', id: 3 },
        batchNum: { type: 'int32', id: 4 },
        batchSize: { type: 'int32', id: 5 },
        signatureInfos: { rule: 'repeated', type: 'SignatureInfo', id: 6 },
        keys: { rule: 'repeated', type: 'TemporaryExposureKey', id: 7 },
        revisedKeys: { rule: 'repeated', type: 'TemporaryExposureKey', id: 8 },
      },
    },
    TEKSignatureList: { fields: { signatures: { rule: 'repeated', type: 'TEKSignature', id: 1 } } },
    TEKSignature: {
      fields: {
        signatureInfo: { type: 'SignatureInfo', id: 1 },
        batchNum: { type: 'int32', id: 2 },
        batchSize: { type: 'int32', id: 3 },
        signature: { type: 'bytes', id: 4 },
      },
    },
  },
});

export const TemporaryExposureKeyExportType = /* @__PURE__ */ root.lookupType('TemporaryExposureKeyExport');
export const TEKSignatureListType = /* @__PURE__ */ root.lookupType('TEKSignatureList');

/** Plain-object conversion used for every decode: 64-bit numbers as JS numbers, only fields present. */
export const TO_OBJECT_OPTIONS: protobuf.IConversionOptions = { longs: Number, arrays: true };
