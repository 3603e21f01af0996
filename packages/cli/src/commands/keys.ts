/**
 * `proxsense keys derive|inspect|export`.
 * @module
 */
import type { Command } from 'commander';
import {
  associatedEncryptedMetadata,
  associatedEncryptedMetadataKey,
  BLUEZONE_DAILY_KEY_BYTES,
  BLUEZONE_DEFAULT_IDS_PER_DAY,
  BLUEZONE_ID_BYTES,
  bluezoneIdsFrom,
  bluezoneKeysToJson,
  bytesToHex,
  gaenExportFromJson,
  gaenExportToJson,
  hexToBytes,
  readDiagnosisKeyFile,
  rollingProximityIdentifierKey,
  rollingProximityIdentifiers,
  TEK_BYTES,
  verifyExportSignature,
  writeExportZip,
  type BluezoneDiagnosisKey,
  type DiagnosisKeyFile,
  type GaenDiagnosisKey,
} from '@proxsense/core';
import { nodeCryptoProvider } from '@proxsense/core/node';
import { CliError } from '../errors.js';
import {
  readInputFile,
  readP256PrivateKeyPem,
  readP256PublicKeyPem,
  writeFileAtomic,
} from '../io.js';
import { choiceOption, integerOption } from '../options.js';
import type { Output } from '../output.js';

interface DeriveOptions {
  scheme: 'gaen' | 'bluezone';
  key: string;
  interval: number;
  count: number;
  metadata?: string;
  idsPerDay: number;
  json?: boolean;
}

/** Registers the `keys` command group. */
export function registerKeysCommands(program: Command, out: Output): void {
  const keys = program
    .command('keys')
    .description('derive rolling IDs, inspect and write diagnosis key files');

  keys
    .command('derive')
    .description('derive the rolling IDs a key broadcasts (GAEN RPIs and AEMs, or Bluezone IDs)')
    .requiredOption(
      '--scheme <scheme>',
      'gaen or bluezone',
      choiceOption(['gaen', 'bluezone'] as const),
    )
    .requiredOption('--key <hex>', 'GAEN: 16-byte TEK; Bluezone: 32-byte daily key')
    .requiredOption(
      '--interval <n>',
      "GAEN: ENIntervalNumber (unix s / 600); Bluezone: slot of the key's day",
      integerOption(0, 0xffffffff),
    )
    .option('--count <k>', 'number of consecutive IDs', integerOption(1, 100_000), 1)
    .option(
      '--metadata <hex>',
      'GAEN: 4-byte Bluetooth metadata to encrypt into the AEM (e.g. 40080000)',
    )
    .option(
      '--ids-per-day <n>',
      'Bluezone: IDs per day (96 since July 2020, 144 before)',
      integerOption(1, 1440),
      BLUEZONE_DEFAULT_IDS_PER_DAY,
    )
    .option('--json', 'print JSON: [{"interval", "id", "aem"?}]')
    .addHelpText(
      'after',
      '\nExamples:\n  $ proxsense keys derive --scheme gaen --key 75c734c6dd1a782de7a965da5eb93125 --interval 2642976 --count 3 --metadata 40080000\n  $ proxsense keys derive --scheme bluezone --key 000102…1e1f --interval 0 --count 96 --json',
    )
    .action((o: DeriveOptions) => {
      const rows: { interval: number; id: string; aem?: string }[] = [];
      if (o.scheme === 'gaen') {
        const tek = asHex(o.key, '--key', TEK_BYTES, 'a 16-byte GAEN TEK');
        if (o.interval + o.count - 1 > 0xffffffff)
          throw new CliError(
            `--count: intervals past 2^32-1 do not exist (interval ${o.interval} + count ${o.count})`,
          );
        const metadata =
          o.metadata === undefined
            ? undefined
            : asHex(o.metadata, '--metadata', 4, '4 bytes of GAEN Bluetooth metadata');
        const rpis = rollingProximityIdentifiers(
          nodeCryptoProvider,
          rollingProximityIdentifierKey(nodeCryptoProvider, tek),
          o.interval,
          o.count,
        );
        const aemk = metadata && associatedEncryptedMetadataKey(nodeCryptoProvider, tek);
        for (let i = 0; i < o.count; i++) {
          const rpi = rpis.subarray(i * 16, i * 16 + 16);
          const row: (typeof rows)[number] = { interval: o.interval + i, id: bytesToHex(rpi) };
          if (aemk && metadata)
            row.aem = bytesToHex(
              associatedEncryptedMetadata(nodeCryptoProvider, aemk, rpi, metadata),
            );
          rows.push(row);
        }
      } else {
        if (o.metadata !== undefined)
          throw new CliError(
            '--metadata: only GAEN adverts carry encrypted metadata; drop it for --scheme bluezone',
          );
        const dailyKey = asHex(
          o.key,
          '--key',
          BLUEZONE_DAILY_KEY_BYTES,
          'a 32-byte Bluezone daily key',
        );
        const ids = bluezoneIdsFrom(nodeCryptoProvider, dailyKey, o.idsPerDay, o.interval, o.count);
        for (let i = 0; i < o.count; i++)
          rows.push({
            interval: o.interval + i,
            id: bytesToHex(ids.subarray(i * BLUEZONE_ID_BYTES, (i + 1) * BLUEZONE_ID_BYTES)),
          });
      }
      if (o.json) return out.json(rows);
      out.line(o.metadata ? 'interval\tid\taem' : 'interval\tid');
      for (const r of rows)
        out.line(r.aem ? `${r.interval}\t${r.id}\t${r.aem}` : `${r.interval}\t${r.id}`);
    });

  keys
    .command('inspect')
    .description(
      'show the header and keys of a GAEN export (zip or export.bin), GAEN keys JSON or Bluezone F0 JSON',
    )
    .argument('<file>', 'key file')
    .option(
      '--verify <pem>',
      'check export.sig against this P-256 public key (PEM); exit 1 if it does not verify',
    )
    .option(
      '--json',
      'print JSON (the keys JSON that `keys export --in` reads, plus format and signatures)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ proxsense keys inspect examples/diagnosis-keys.zip --verify examples/signing-key.pub.pem\n  $ proxsense keys inspect export.bin --json',
    )
    .action((file: string, o: { verify?: string; json?: boolean }) => {
      const keyFile = readDiagnosisKeyFile(readInputFile(file, 'key file'), file);
      for (const note of keyFile.notes) out.warn(`note: ${note}`);
      const signatureValid =
        o.verify === undefined
          ? undefined
          : checkSignature(keyFile, file, readP256PublicKeyPem(o.verify));
      if (o.json) {
        out.json({
          file,
          format: keyFile.format,
          ...describeKeyFile(keyFile),
          ...(signatureValid === undefined ? {} : { signatureValid }),
        });
      } else {
        printKeyFile(out, file, keyFile, signatureValid);
      }
      if (signatureValid === false)
        throw new CliError(`${file}: export.sig does not verify with ${o.verify}`, 1);
    });

  keys
    .command('export')
    .description('write a GAEN key export zip (export.bin + export.sig) from keys JSON')
    .requiredOption(
      '--in <keys.json>',
      'keys JSON: [{keyData, rollingStartIntervalNumber, rollingPeriod?, …}] or {region?, keys: […]}',
    )
    .requiredOption('--out <file.zip>', 'zip to write (atomically)')
    .option('--sign <pem>', 'P-256 private key (PEM) to sign export.bin with')
    .option('--key-id <id>', 'verification_key_id written into the signature info', '')
    .option('--key-version <v>', 'verification_key_version written into the signature info', 'v1')
    .option('--json', 'print a JSON summary')
    .addHelpText(
      'after',
      '\nExample:\n  $ proxsense keys export --in examples/keys.json --out /tmp/export.zip --sign examples/signing-key.pem --key-id 452',
    )
    .action(
      (o: {
        in: string;
        out: string;
        sign?: string;
        keyId: string;
        keyVersion: string;
        json?: boolean;
      }) => {
        const keyFile = readDiagnosisKeyFile(readInputFile(o.in, 'keys JSON'), o.in);
        if (keyFile.format === 'bluezone-f0-json')
          throw new CliError(`${o.in}: holds Bluezone F0 keys; GAEN exports carry GAEN keys only`);
        const gaenExport = keyFile.gaenExport ?? gaenExportFromJson([], o.in);
        const signingKey = o.sign === undefined ? undefined : readP256PrivateKeyPem(o.sign);
        const signatureInfo = { verificationKeyId: o.keyId, verificationKeyVersion: o.keyVersion };
        const zip = writeExportZip(
          { ...gaenExport, signatureInfos: [] },
          signingKey ? { signingKey, signatureInfo } : {},
        );
        writeFileAtomic(o.out, zip);
        const summary = {
          out: o.out,
          keys: gaenExport.keys.length,
          revisedKeys: gaenExport.revisedKeys.length,
          signed: signingKey !== undefined,
          bytes: zip.length,
        };
        if (o.json) out.json(summary);
        else
          out.line(
            `wrote ${o.out}: ${summary.keys} keys, ${summary.revisedKeys} revised, ${summary.signed ? 'signed' : 'unsigned'}, ${summary.bytes} bytes`,
          );
      },
    );
}

function asHex(value: string, option: string, bytes: number, what: string): Uint8Array {
  try {
    return hexToBytes(value, option, bytes);
  } catch {
    throw new CliError(
      `${option}: expected ${what} (${bytes * 2} hex digits), got "${value.length > 70 ? `${value.slice(0, 70)}…` : value}"`,
    );
  }
}

function checkSignature(keyFile: DiagnosisKeyFile, file: string, publicKey: Uint8Array): boolean {
  if (keyFile.format !== 'gaen-export-zip')
    throw new CliError(`${file}: --verify needs a signed export zip; this is ${keyFile.format}`);
  if (!keyFile.signatures?.length)
    throw new CliError(`${file}: zip has no export.sig to verify`, 1);
  return verifyExportSignature(
    { exportBin: keyFile.exportBin!, signatures: keyFile.signatures },
    publicKey,
  );
}

/** JSON description of a key file (shared by inspect and tests). */
export function describeKeyFile(keyFile: DiagnosisKeyFile): Record<string, unknown> {
  if (keyFile.format === 'bluezone-f0-json')
    return { keys: bluezoneKeysToJson(keyFile.keys as BluezoneDiagnosisKey[]) };
  return {
    ...gaenExportToJson(keyFile.gaenExport!),
    signatures: (keyFile.signatures ?? []).map((s) => ({
      ...s,
      signature: bytesToHex(s.signature),
    })),
  };
}

function printKeyFile(
  out: Output,
  file: string,
  keyFile: DiagnosisKeyFile,
  signatureValid: boolean | undefined,
): void {
  out.line(`file:      ${file}`);
  out.line(`format:    ${keyFile.format}`);
  if (keyFile.format === 'bluezone-f0-json') {
    out.line(`keys:      ${keyFile.keys.length}`);
    out.line('daily_key\ttime_start\tmax\ttime_end');
    for (const k of keyFile.keys as BluezoneDiagnosisKey[])
      out.line(
        `${bytesToHex(k.dailyKey)}\t${new Date(k.timeDkS * 1000).toISOString()}\t${k.maxRoll}\t${new Date(k.timeTeS * 1000).toISOString()}`,
      );
    return;
  }
  const e = keyFile.gaenExport!;
  out.line(`region:    ${e.region || '(none)'}`);
  out.line(
    `window:    ${new Date(e.startTimestamp * 1000).toISOString()} .. ${new Date(e.endTimestamp * 1000).toISOString()}`,
  );
  out.line(`batch:     ${e.batchNum} of ${e.batchSize}`);
  out.line(`keys:      ${e.keys.length} (+ ${e.revisedKeys.length} revised)`);
  for (const s of keyFile.signatures ?? [])
    out.line(
      `signature: key id ${s.signatureInfo.verificationKeyId || '-'} version ${s.signatureInfo.verificationKeyVersion || '-'} alg ${s.signatureInfo.signatureAlgorithm || '-'}`,
    );
  if (signatureValid !== undefined) out.line(`verified:  ${signatureValid ? 'yes' : 'NO'}`);
  out.line('keyData\trollingStart\trollingPeriod\ttransmissionRisk\treportType\tdaysSinceOnset');
  const row = (k: GaenDiagnosisKey, mark: string) =>
    out.line(
      `${bytesToHex(k.keyData)}\t${k.rollingStartIntervalNumber}\t${k.rollingPeriod}\t${k.transmissionRiskLevel ?? '-'}\t${k.reportType ?? '-'}\t${k.daysSinceOnsetOfSymptoms ?? '-'}${mark}`,
    );
  for (const k of e.keys) row(k, '');
  for (const k of e.revisedKeys) row(k, '\t(revised)');
}
