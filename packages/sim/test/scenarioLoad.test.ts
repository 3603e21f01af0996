import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { z } from 'zod';
import { FileFormatError } from '@proxsense/core';
import {
  loadScenarioFile,
  parseScenarioText,
  ScenarioError,
  scenarioJsonSchema,
} from '../src/scenario/load.js';

// A schema of our own, shaped like a scenario: the reader must not depend on the simulator's.
const Wall = z.strictObject({
  lossDb: z.number().min(0).max(60),
  material: z.enum(['glass', 'brick', 'concrete']).default('brick'),
});
const Venue = z.strictObject({
  name: z.string().min(1),
  capacity: z.number().int().min(1).max(10_000),
  walls: z.array(Wall).default([]),
});
const Mobility = z.union([
  z.literal('static'),
  z.strictObject({ kind: z.literal('rwp'), speedMps: z.number().positive().max(5) }),
  z.strictObject({ kind: z.literal('trace'), file: z.string().min(1) }),
]);
const TestSchema = z.strictObject({
  name: z.string().min(1),
  seed: z.number().int().min(0).default(1),
  durationS: z.number().positive().default(3600),
  people: z
    .strictObject({
      count: z.number().int().min(2).max(1000).default(200),
      adoption: z.number().min(0).max(1).default(0.3),
      mode: z.enum(['random', 'groups']).default('random'),
    })
    .prefault({}),
  venues: z.array(Venue).min(1),
  mobility: Mobility.default('static'),
  window: z
    .tuple([z.number(), z.number()])
    .refine(([a, b]) => a <= b, { message: 'expected [start, end] with start ≤ end' })
    .optional(),
});

/** The message parseScenarioText throws, or 'ok'. */
function messageOf(text: string, source = 'office.yaml'): string {
  try {
    parseScenarioText(text, source, TestSchema);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
}

function errorOf(text: string, source = 'office.yaml'): ScenarioError {
  try {
    parseScenarioText(text, source, TestSchema);
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

const VENUE = 'venues: [{name: hall, capacity: 30}]\n';

describe('parseScenarioText: valid files', () => {
  it('applies defaults (including a prefaulted nested object) and returns the typed value', () => {
    const yaml = `name: office\n${VENUE}`;
    const expected = {
      name: 'office',
      seed: 1,
      durationS: 3600,
      people: { count: 200, adoption: 0.3, mode: 'random' },
      venues: [{ name: 'hall', capacity: 30, walls: [] }],
      mobility: 'static',
    };
    expect(parseScenarioText(yaml, 'office.yaml', TestSchema)).toEqual(expected);
    const json = JSON.stringify(
      { name: 'office', venues: [{ name: 'hall', capacity: 30 }] },
      null,
      '\t',
    );
    expect(parseScenarioText(json, 'office.json', TestSchema)).toEqual(expected);
  });

  it('reads unions, tuples, comments, anchors and a byte-order mark', () => {
    const yaml =
      '\uFEFF# a comment\nname: bus\npeople: {count: 40, adoption: 1}\nvenues:\n  - &v {name: bus, capacity: 60, walls: [{lossDb: 3, material: glass}]}\n  - *v\nmobility: {kind: rwp, speedMps: 1.4}\nwindow: [0, 600]\n';
    const value = parseScenarioText(yaml, 'bus.yml', TestSchema);
    expect(value.mobility).toEqual({ kind: 'rwp', speedMps: 1.4 });
    expect(value.venues).toHaveLength(2);
    expect(value.venues[1]!.walls).toEqual([{ lossDb: 3, material: 'glass' }]);
    expect(value.window).toEqual([0, 600]);
    expect(value.people).toEqual({ count: 40, adoption: 1, mode: 'random' });
  });
});

describe('parseScenarioText: schema violations, with line and column of the value', () => {
  it('number out of range (both bounds) in YAML and in JSON', () => {
    expect(messageOf(`name: x\npeople:\n  adoption: 1.3\n${VENUE}`)).toBe(
      'office.yaml:3:13: people.adoption: expected a number in [0, 1], got 1.3',
    );
    const json =
      '{\n  "name": "x",\n  "people": {\n    "adoption": 1.3\n  },\n  "venues": [{"name": "a", "capacity": 3}]\n}\n';
    expect(messageOf(json, 'office.json')).toBe(
      'office.json:4:17: people.adoption: expected a number in [0, 1], got 1.3',
    );
  });

  it('integers: a fraction, and a value below the range', () => {
    expect(messageOf(`name: x\npeople:\n  count: 2.5\n${VENUE}`)).toBe(
      'office.yaml:3:10: people.count: expected an integer in [2, 1000], got 2.5',
    );
    expect(messageOf(`name: x\npeople: {count: 1}\n${VENUE}`)).toBe(
      'office.yaml:2:17: people.count: expected an integer in [2, 1000], got 1',
    );
  });

  it('one-sided and exclusive bounds', () => {
    expect(messageOf(`name: x\nseed: -1\n${VENUE}`)).toBe(
      'office.yaml:2:7: seed: expected an integer at least 0, got -1',
    );
    expect(messageOf(`name: x\ndurationS: 0\n${VENUE}`)).toBe(
      'office.yaml:2:12: durationS: expected a number greater than 0, got 0',
    );
    expect(messageOf(`name: x\n${VENUE}mobility: {kind: rwp, speedMps: 9}\n`)).toBe(
      'office.yaml:3:33: mobility.speedMps: expected a number in (0, 5], got 9',
    );
  });

  it('wrong types, described briefly', () => {
    expect(messageOf(`name: x\npeople:\n  adoption: lots\n${VENUE}`)).toBe(
      'office.yaml:3:13: people.adoption: expected a number in [0, 1], got "lots"',
    );
    expect(messageOf(`name: x\npeople: [1, 2, 3]\n${VENUE}`)).toBe(
      'office.yaml:2:9: people: expected an object, got a list of 3',
    );
    expect(messageOf('name: x\nvenues: {a: 1}\n')).toBe(
      'office.yaml:2:9: venues: expected a list, got an object',
    );
    expect(messageOf(`name: 12\n${VENUE}`)).toBe(
      'office.yaml:1:7: name: expected a string, got 12',
    );
    expect(messageOf(`name: x\nvenues: [{name: a, capacity: .inf}]\n`)).toBe(
      'office.yaml:2:30: venues[0].capacity: expected an integer in [1, 10000], got Infinity',
    );
    expect(messageOf(`name: x\npeople:\n  adoption:\n${VENUE}`)).toBe(
      'office.yaml:3:12: people.adoption: expected a number in [0, 1], got null',
    );
    const long = 'y'.repeat(60);
    expect(messageOf(`name: x\nseed: ${long}\n${VENUE}`)).toBe(
      `office.yaml:2:7: seed: expected an integer at least 0, got "${'y'.repeat(40)}…"`,
    );
  });

  it('a missing field points at the object that lacks it', () => {
    expect(messageOf(VENUE)).toBe('office.yaml:1:1: name: expected a string, got nothing');
    expect(messageOf('name: x\nvenues:\n  - name: a\n')).toBe(
      'office.yaml:3:5: venues[0].capacity: expected an integer in [1, 10000], got nothing',
    );
  });

  it('values inside lists and nested maps, YAML block and flow, and JSON', () => {
    const yaml =
      'name: x\nvenues:\n  - name: a\n    capacity: 3\n  - name: b\n    capacity: 4\n    walls:\n      - lossDb: 3\n      - lossDb: 70\n';
    expect(messageOf(yaml)).toBe(
      'office.yaml:9:17: venues[1].walls[1].lossDb: expected a number in [0, 60], got 70',
    );
    expect(
      messageOf('name: x\nvenues: [{name: a, capacity: 3, walls: [{lossDb: 1}, {lossDb: -1}]}]\n'),
    ).toBe('office.yaml:2:63: venues[0].walls[1].lossDb: expected a number in [0, 60], got -1');
    const json =
      '{"name": "x", "venues": [{"name": "a", "capacity": 3, "walls": [{"lossDb": "abc"}]}]}';
    expect(messageOf(json, 'office.json')).toBe(
      'office.json:1:76: venues[0].walls[0].lossDb: expected a number in [0, 60], got "abc"',
    );
  });

  it('enums and literals', () => {
    expect(messageOf(`name: x\npeople:\n  mode: clustered\n${VENUE}`)).toBe(
      'office.yaml:3:9: people.mode: expected one of "random", "groups", got "clustered"',
    );
    expect(
      messageOf(
        'name: x\nvenues: [{name: a, capacity: 3, walls: [{lossDb: 1, material: paper}]}]\n',
      ),
    ).toBe(
      'office.yaml:2:63: venues[0].walls[0].material: expected one of "glass", "brick", "concrete", got "paper"',
    );
  });

  it('strings and lists too short', () => {
    expect(messageOf(`name: ""\n${VENUE}`)).toBe(
      'office.yaml:1:7: name: expected a non-empty string, got ""',
    );
    expect(messageOf('name: x\nvenues: []\n')).toBe(
      'office.yaml:2:9: venues: expected a non-empty list, got an empty list',
    );
    expect(messageOf(`name: x\n${VENUE}window: [5]\n`)).toBe(
      'office.yaml:3:9: window: expected a list of at least 2 items, got a list of 1',
    );
  });

  it('unknown keys point at the key, at the root and at depth, listing the known ones', () => {
    expect(messageOf(`name: x\n${VENUE}extra: 1\n`)).toBe(
      'office.yaml:3:1: unknown setting "extra" (known: name, seed, durationS, people, venues, mobility, window)',
    );
    expect(
      messageOf(
        'name: x\nvenues:\n  - name: a\n    capacity: 3\n    walls:\n      - {lossDb: 3, colour: red}\n',
      ),
    ).toBe(
      'office.yaml:6:21: venues[0].walls[0]: unknown setting "colour" (known: lossDb, material)',
    );
    const json =
      '{\n  "name": "x",\n  "venues": [{"name": "a", "capacity": 3}],\n  "people": {"count": 3, "adopt": 0.5}\n}';
    expect(messageOf(json, 'office.json')).toBe(
      'office.json:4:26: people: unknown setting "adopt" (known: count, adoption, mode)',
    );
  });

  it('a misspelt required field is reported as the unknown key, not as missing', () => {
    expect(messageOf(`nmae: x\n${VENUE}`)).toBe(
      'office.yaml:1:1: unknown setting "nmae" (known: name, seed, durationS, people, venues, mobility, window)',
    );
  });

  it('unions: the closest member, all tags, or all types', () => {
    expect(messageOf(`name: x\n${VENUE}mobility: {kind: trace}\n`)).toBe(
      'office.yaml:3:11: mobility.file: expected a string, got nothing',
    );
    expect(messageOf(`name: x\n${VENUE}mobility: {kind: fly}\n`)).toBe(
      'office.yaml:3:18: mobility.kind: expected one of "rwp", "trace", got "fly"',
    );
    expect(messageOf(`name: x\n${VENUE}mobility: 3\n`)).toBe(
      'office.yaml:3:11: mobility: expected "static" or an object, got 3',
    );
    expect(messageOf(`name: x\n${VENUE}mobility: walk\n`)).toBe(
      'office.yaml:3:11: mobility: expected "static" or an object, got "walk"',
    );
    expect(messageOf(`name: x\n${VENUE}mobility: {kind: trace, file: a.csv, speedMps: 1}\n`)).toBe(
      'office.yaml:3:38: mobility: unknown setting "speedMps" (known: kind, file)',
    );
  });

  it('refinements give their own message', () => {
    expect(messageOf(`name: x\n${VENUE}window: [5, 1]\n`)).toBe(
      'office.yaml:3:9: window: expected [start, end] with start ≤ end',
    );
  });

  it('the error carries its parts', () => {
    const e = errorOf(`name: x\npeople:\n  adoption: 1.3\n${VENUE}`);
    expect(e).toBeInstanceOf(FileFormatError);
    expect(e.name).toBe('ScenarioError');
    expect({
      source: e.source,
      line: e.line,
      column: e.column,
      fieldPath: e.fieldPath,
      expected: e.expected,
      actual: e.actual,
    }).toEqual({
      source: 'office.yaml',
      line: 3,
      column: 13,
      fieldPath: 'people.adoption',
      expected: 'a number in [0, 1]',
      actual: '1.3',
    });
    expect(
      new ScenarioError('office.yaml', {
        fieldPath: 'people.adoption',
        expected: 'a number in [0, 1]',
        actual: '1.3',
      }).message,
    ).toBe('office.yaml: people.adoption: expected a number in [0, 1], got 1.3');
  });
});

describe('parseScenarioText: syntax', () => {
  it('YAML syntax errors with position and yaml’s short message', () => {
    expect(messageOf('name: x\n  bad: 2\n')).toBe(
      'office.yaml:1:7: syntax error: Nested mappings are not allowed in compact mappings',
    );
    expect(messageOf('name: "x\n')).toBe('office.yaml:2:1: syntax error: Missing closing "quote');
  });

  it('JSON syntax errors', () => {
    expect(messageOf('{"name": "x", "venues": [1, 2}', 'office.json')).toMatch(
      /^office\.json:1:\d+: syntax error: /,
    );
  });

  it('duplicate keys are errors, in YAML and JSON', () => {
    expect(messageOf(`name: x\n${VENUE}name: y\n`)).toBe('office.yaml:3:1: duplicate key "name"');
    expect(messageOf('{"name": "x", "people": {"count": 3, "count": 4}}', 'office.json')).toBe(
      'office.json:1:38: duplicate key "count"',
    );
  });

  it('a document that is not a mapping', () => {
    expect(messageOf('- 1\n- 2\n')).toBe(
      'office.yaml:1:1: expected a mapping of settings, got a list of 2',
    );
    expect(messageOf('42\n')).toBe('office.yaml:1:1: expected a mapping of settings, got 42');
    expect(messageOf('')).toBe(
      'office.yaml: expected a mapping of settings, got an empty document',
    );
    expect(messageOf('# only a comment\n')).toBe(
      'office.yaml: expected a mapping of settings, got an empty document',
    );
    expect(messageOf('name: *nowhere\n')).toBe(
      'office.yaml: cannot resolve: Unresolved alias (the anchor must be set before the alias): nowhere',
    );
  });
});

describe('loadScenarioFile', () => {
  it('reads .yaml, .yml and .json, and reports unreadable files and wrong extensions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'proxsense-scenario-'));
    await writeFile(join(dir, 'a.yaml'), `name: a\n${VENUE}`);
    await writeFile(join(dir, 'b.yml'), `name: b\n${VENUE}`);
    await writeFile(
      join(dir, 'c.json'),
      JSON.stringify({ name: 'c', venues: [{ name: 'h', capacity: 2 }] }),
    );
    await writeFile(join(dir, 'd.yaml'), `name: d\npeople: {adoption: 2}\n${VENUE}`);
    await writeFile(join(dir, 'e.txt'), 'name: e\n');
    await mkdir(join(dir, 'f.yaml'));
    expect((await loadScenarioFile(join(dir, 'a.yaml'), TestSchema)).name).toBe('a');
    expect((await loadScenarioFile(join(dir, 'b.yml'), TestSchema)).name).toBe('b');
    expect((await loadScenarioFile(join(dir, 'c.json'), TestSchema)).venues[0]!.walls).toEqual([]);
    const path = join(dir, 'd.yaml');
    await expect(loadScenarioFile(path, TestSchema)).rejects.toThrow(
      `${path}:2:20: people.adoption: expected a number in [0, 1], got 2`,
    );
    await expect(loadScenarioFile(join(dir, 'e.txt'), TestSchema)).rejects.toThrow(
      `${join(dir, 'e.txt')}: expected a .json, .yaml or .yml file, got ".txt"`,
    );
    await expect(loadScenarioFile(join(dir, 'missing.yaml'), TestSchema)).rejects.toThrow(
      `${join(dir, 'missing.yaml')}: cannot read: no such file`,
    );
    await expect(loadScenarioFile(join(dir, 'f.yaml'), TestSchema)).rejects.toThrow(
      `${join(dir, 'f.yaml')}: cannot read: is a directory`,
    );
    await expect(loadScenarioFile(join(dir, 'f.yaml'), TestSchema)).rejects.toBeInstanceOf(
      ScenarioError,
    );
  });
});

describe('scenarioJsonSchema', () => {
  it('is draft 2020-12 with an id, unknown keys disallowed, defaults optional and shown', () => {
    const schema = scenarioJsonSchema(TestSchema) as Record<string, any>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('urn:proxsense:sim:scenario');
    expect(schema.title).toBe('proxsense scenario');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'venues']);
    expect(schema.properties.people.additionalProperties).toBe(false);
    expect(schema.properties.people.required ?? []).toEqual([]);
    expect(schema.properties.people.properties.adoption).toMatchObject({
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.3,
    });
    expect(schema.properties.venues.items.additionalProperties).toBe(false);
    expect(schema.properties.venues.items.properties.walls.items.properties.material.enum).toEqual([
      'glass',
      'brick',
      'concrete',
    ]);
    const custom = scenarioJsonSchema(TestSchema, {
      id: 'https://example.org/s.json',
      title: 'T',
    }) as Record<string, unknown>;
    expect([custom.$id, custom.title]).toEqual(['https://example.org/s.json', 'T']);
  });
});

describe('properties', () => {
  const finite = (min: number, max: number) =>
    fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).filter((v) => !Object.is(v, -0));
  const name = fc.string({ minLength: 1, maxLength: 12 });
  const wall = fc.record(
    { lossDb: finite(0, 60), material: fc.constantFrom('glass', 'brick', 'concrete') },
    { requiredKeys: ['lossDb'] },
  );
  const venue = fc.record(
    {
      name,
      capacity: fc.integer({ min: 1, max: 10_000 }),
      walls: fc.array(wall, { maxLength: 3 }),
    },
    { requiredKeys: ['name', 'capacity'] },
  );
  const validInput = fc.record(
    {
      name,
      seed: fc.integer({ min: 0, max: 2 ** 31 }),
      durationS: finite(1e-3, 1e6),
      people: fc.record(
        {
          count: fc.integer({ min: 2, max: 1000 }),
          adoption: finite(0, 1),
          mode: fc.constantFrom('random', 'groups'),
        },
        { requiredKeys: [] },
      ),
      venues: fc.array(venue, { minLength: 1, maxLength: 3 }),
      mobility: fc.oneof(
        fc.constant('static'),
        fc.record({ kind: fc.constant('rwp'), speedMps: finite(1e-3, 5) }),
        fc.record({ kind: fc.constant('trace'), file: name }),
      ),
      window: fc.tuple(finite(-1e6, 0), finite(0, 1e6)),
    },
    { requiredKeys: ['name', 'venues'] },
  );

  it('valid objects, as YAML and as JSON, parse to what schema.parse gives', () => {
    fc.assert(
      fc.property(validInput, (input) => {
        const expected = TestSchema.parse(input);
        expect(parseScenarioText(stringify(input), 'p.yaml', TestSchema)).toEqual(expected);
        expect(parseScenarioText(JSON.stringify(input, null, 2), 'p.json', TestSchema)).toEqual(
          expected,
        );
      }),
      { numRuns: 300 },
    );
  });

  /** A valid input with one value somewhere replaced by an arbitrary one (or a key added). */
  const mutated = fc
    .tuple(
      validInput,
      fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.nat({ max: 4 })), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(([input, path, value]) => {
      const root = structuredClone(input) as Record<string, unknown>;
      let node: unknown = root;
      for (const key of path.slice(0, -1)) {
        const next = (node as Record<PropertyKey, unknown>)[key as PropertyKey];
        if (typeof next !== 'object' || next === null) break;
        node = next;
      }
      (node as Record<PropertyKey, unknown>)[path[path.length - 1]! as PropertyKey] = value;
      return root;
    });

  it('arbitrary inputs never throw anything but ScenarioError, and accepted ones equal schema.parse', () => {
    const check = (text: string, source: string, raw?: unknown) => {
      try {
        const value = parseScenarioText(text, source, TestSchema);
        if (raw !== undefined) expect(value).toEqual(TestSchema.parse(raw));
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        expect(error.message.startsWith(`${source}`)).toBe(true);
        expect(error.message).not.toContain('\n');
      }
    };
    fc.assert(
      fc.property(mutated, (input) => {
        // JSON.stringify drops what JSON cannot hold; compare against what was actually written.
        const json = JSON.stringify(input);
        check(json, 'm.json', JSON.parse(json));
        check(stringify(input), 'm.yaml', JSON.parse(json));
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
        ),
        (text) => check(text, 'r.yaml'),
      ),
      { numRuns: 400 },
    );
  });
});
