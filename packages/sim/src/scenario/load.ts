/**
 * Reading scenario files (JSON or YAML) against a zod schema, with errors that point at the line and
 * column of the offending value, name the field by its path, and say what was expected and what was found.
 *
 * The reader is generic: the schema is passed in, so it knows nothing about what a scenario contains.
 * One parser (the `yaml` package) reads both formats, because JSON is YAML 1.2 and the YAML node tree
 * keeps the source ranges that zod's issues lack.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { FileFormatError } from '@proxsense/core';
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import { z } from 'zod';

/** Where and what: the parts of a {@link ScenarioError}. */
export interface ScenarioErrorDetails {
  /** 1-based line of the offending value (or key), when known. */
  line?: number | undefined;
  /** 1-based column of the offending value (or key), when known; only with `line`. */
  column?: number | undefined;
  /** Path of the field, e.g. `venues[2].walls[0].lossDb`; `''` for the document (or row) as a whole. */
  fieldPath?: string | undefined;
  /** What the field should have held, e.g. `a number in [0, 1]`. */
  expected: string;
  /** What it held instead, described briefly, e.g. `1.3`, `"abc"`, `a list of 3`, `nothing`. */
  actual: string;
  /** The problem in words when `expected …, got …` does not fit (unknown keys, refinements, syntax). */
  problem?: string | undefined;
}

/**
 * A scenario (or trace) file that cannot be used. The message is one line:
 * `office.yaml:4:12: people.adoption: expected a number in [0, 1], got 1.3`, or without a position
 * `office.yaml: people.adoption: …`; `source` is the path as the user gave it.
 */
export class ScenarioError extends FileFormatError {
  /** 1-based line of the offending value, or of the key for an unknown key; undefined when not known. */
  readonly line: number | undefined;
  /** 1-based column, undefined when not known. */
  readonly column: number | undefined;
  /** Dotted/indexed path of the field (`people.adoption`, `venues[2].walls[0].lossDb`); `''` for the whole. */
  readonly fieldPath: string;
  /** What was expected. */
  readonly expected: string;
  /** What was found, described briefly. */
  readonly actual: string;

  constructor(source: string, details: ScenarioErrorDetails) {
    const fieldPath = details.fieldPath ?? '';
    const what = details.problem ?? `expected ${details.expected}, got ${details.actual}`;
    super(source, fieldPath === '' ? what : `${fieldPath}: ${what}`);
    this.line = details.line;
    this.column = details.line === undefined ? undefined : details.column;
    this.fieldPath = fieldPath;
    this.expected = details.expected;
    this.actual = details.actual;
    // FileFormatError writes `source: problem`; the position goes between them, compiler-style, so
    // editors and terminals can jump to it.
    if (this.line !== undefined)
      this.message = `${source}:${this.line}${this.column === undefined ? '' : `:${this.column}`}: ${this.problem}`;
  }

  /** The error for a file that cannot be read at all (missing, a directory, no permission). */
  static cannotRead(source: string, error: unknown): ScenarioError {
    const reason = describeReadError(error);
    return new ScenarioError(source, {
      expected: 'a readable file',
      actual: reason,
      problem: `cannot read: ${reason}`,
    });
  }
}

/** Short reason for a failed read, in words rather than errno codes. */
function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** Extensions `loadScenarioFile` accepts; both are read by the same YAML 1.2 parser. */
const SCENARIO_EXTENSIONS = ['.json', '.yaml', '.yml'] as const;

/**
 * Reads and validates a scenario file (`.json`, `.yaml` or `.yml`).
 * @param path the file, as the user gave it (it is the `source` of every error).
 * @throws ScenarioError for a wrong extension, an unreadable file, a syntax error or a schema violation.
 */
export async function loadScenarioFile<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const dot = path.lastIndexOf('.');
  const extension = dot > path.lastIndexOf('/') ? path.slice(dot).toLowerCase() : '';
  if (!(SCENARIO_EXTENSIONS as readonly string[]).includes(extension)) {
    const actual = extension === '' ? 'no extension' : JSON.stringify(extension);
    throw new ScenarioError(path, { expected: 'a .json, .yaml or .yml file', actual });
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw ScenarioError.cannotRead(path, error);
  }
  return parseScenarioText(text, path, schema);
}

/**
 * Parses JSON or YAML text and validates it with `schema`; defaults and transforms of the schema apply.
 * Only the first problem is reported (zod's issue order: fields in schema order, unknown keys after the
 * known ones of the same object), except that a missing field yields to an unknown key beside it, which
 * is usually the same field misspelt.
 * @param source the file name for messages.
 * @throws ScenarioError for syntax errors (duplicate keys included), a document that is not a mapping,
 * or the first schema violation, with the line and column of the value at fault.
 */
export function parseScenarioText<T>(text: string, source: string, schema: z.ZodType<T>): T {
  const lineCounter = new LineCounter();
  // prettyErrors off: the short message only; the position is reported in our own format.
  const doc = parseDocument(text.startsWith('\uFEFF') ? text.slice(1) : text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const { line, col } = lineCounter.linePos(syntax.pos[0]);
    const key = syntax.code === 'DUPLICATE_KEY' ? duplicateKeyAt(doc, syntax.pos[0]) : undefined;
    const problem =
      key === undefined
        ? `syntax error: ${syntax.message}`
        : `duplicate key ${JSON.stringify(key)}`;
    throw new ScenarioError(source, {
      line,
      column: col,
      expected: 'valid YAML or JSON',
      actual: syntax.message,
      problem,
    });
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    // toJS refuses unresolved aliases and alias bombs (more than maxAliasCount resolved aliases).
    throw new ScenarioError(source, {
      expected: 'a document',
      actual: (error as Error).message,
      problem: `cannot resolve: ${(error as Error).message}`,
    });
  }
  if (!isMap(doc.contents)) {
    const position = doc.contents === null ? {} : positionOf(doc.contents, lineCounter);
    const actual = doc.contents === null ? 'an empty document' : describeValue(raw);
    throw new ScenarioError(source, { ...position, expected: 'a mapping of settings', actual });
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const context: Context = { doc, lineCounter, raw, source };
  throw explainIssue(pickIssue(result.error.issues, raw), [], schema, context);
}

/**
 * A JSON Schema (draft 2020-12) of what a scenario file may contain, for editors: VS Code's YAML and JSON
 * support complete and check files that name it (`# yaml-language-server: $schema=…` or `"$schema"`).
 * Generated for the input side (`io: 'input'`), so fields with defaults are optional and show their
 * default; strict objects become `additionalProperties: false`; `.describe()` texts become descriptions.
 * Refinements and custom types cannot be expressed and are left open (`{}`): the loader still checks them.
 */
export function scenarioJsonSchema(
  schema: z.ZodType,
  options: { id?: string; title?: string } = {},
): object {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  const { $schema, ...rest } = json;
  return {
    $schema,
    $id: options.id ?? 'urn:proxsense:sim:scenario',
    title: options.title ?? 'proxsense scenario',
    ...rest,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Issue → message

interface Context {
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  readonly raw: unknown;
  readonly source: string;
}

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];
type Schema = z.core.$ZodType;

/** The first issue, unless it is a missing field with an unknown key in the same object (a likely typo). */
function pickIssue(issues: readonly Issue[], raw: unknown): Issue {
  const first = issues[0]!;
  if (first.path.length > 0 && valueAt(raw, first.path) === undefined) {
    const parent = first.path.slice(0, -1);
    const unknown = issues.find((i) => i.code === 'unrecognized_keys' && samePath(i.path, parent));
    if (unknown !== undefined) return unknown;
  }
  return first;
}

/**
 * Turns one zod issue into a ScenarioError. `basePath`/`baseSchema` are where the issue's path starts:
 * the document root, or a union member when explaining one branch of a failed union.
 */
function explainIssue(
  issue: Issue,
  basePath: Path,
  baseSchema: Schema | undefined,
  ctx: Context,
): ScenarioError {
  const path = [...basePath, ...issue.path];
  const schema =
    baseSchema === undefined
      ? undefined
      : schemaAt(baseSchema, issue.path, valueAt(ctx.raw, basePath));
  const value = valueAt(ctx.raw, path);
  const at = (expected: string, problem?: string) =>
    new ScenarioError(ctx.source, {
      ...locate(path, ctx),
      fieldPath: formatPath(path),
      expected,
      actual: describeValue(value),
      problem,
    });

  switch (issue.code) {
    case 'invalid_type':
      return at(describeExpected(schema, issue.expected, value));
    case 'too_small':
    case 'too_big':
      return at(describeBound(issue, schema));
    case 'invalid_value':
      return at(describeChoices(issue.values));
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      const shape = objectShape(schema, value);
      const known = shape === undefined ? '' : ` (known: ${Object.keys(shape).join(', ')})`;
      const position = locateKey(path, key, ctx) ?? locate(path, ctx);
      const expected =
        shape === undefined ? 'a known setting' : `one of ${Object.keys(shape).join(', ')}`;
      return new ScenarioError(ctx.source, {
        ...position,
        fieldPath: formatPath(path),
        expected,
        actual: JSON.stringify(key),
        problem: `unknown setting ${JSON.stringify(key)}${known}`,
      });
    }
    case 'invalid_union':
      return explainUnion(issue, path, schema, value, ctx) ?? at('a valid alternative');
    case 'invalid_format':
      return at(
        issue.format === 'regex' && issue.pattern !== undefined
          ? `a string matching ${issue.pattern}`
          : `a string in ${issue.format} format`,
      );
    case 'not_multiple_of':
      return at(`a multiple of ${issue.divisor}`);
    case 'invalid_key':
    case 'invalid_element': {
      const nested = issue.issues[0];
      return at(
        nested === undefined
          ? 'valid keys'
          : `valid ${issue.code === 'invalid_key' ? 'keys' : 'entries'}`,
        `invalid ${issue.code === 'invalid_key' ? 'key' : 'entry'}: ${nested?.message ?? issue.message}`,
      );
    }
    case 'custom':
      // A refinement's message is written for the user (e.g. "expected [low, high] with low ≤ high").
      return at(issue.message, issue.message);
    default:
      return at((issue as { message: string }).message, (issue as { message: string }).message);
  }
}

/**
 * A failed union: when every member failed at the value's own type, one message listing the types;
 * otherwise the member that came closest (fewest issues, a mismatched literal such as a `kind` tag
 * counting heavily) is explained as if it were the only one.
 */
function explainUnion(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: Path,
  schema: Schema | undefined,
  value: unknown,
  ctx: Context,
): ScenarioError | undefined {
  if (issue.errors.length === 0) {
    if (
      'note' in issue &&
      issue.discriminator !== undefined &&
      'options' in issue &&
      issue.options !== undefined
    ) {
      // A discriminated union whose tag matched no member: zod's path already ends at the tag.
      return new ScenarioError(ctx.source, {
        ...locate(path, ctx),
        fieldPath: formatPath(path),
        expected: describeChoices(issue.options),
        actual: describeValue(value),
      });
    }
    if (issue.inclusive === false) {
      return new ScenarioError(ctx.source, {
        ...locate(path, ctx),
        fieldPath: formatPath(path),
        expected: 'exactly one alternative to match',
        actual: 'a value matching several',
        problem: 'expected exactly one alternative to match, got several',
      });
    }
    return undefined;
  }
  const options = unionOptions(schema);
  // A member that rejects the value's own type (or, for a literal member, its value) is no candidate.
  const rejectsWhole = (i: Issue) =>
    i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value');
  const scores = issue.errors.map((branch) => {
    let score = 0;
    for (const i of branch) {
      if (rejectsWhole(i)) return Infinity;
      score += i.code === 'invalid_value' && i.values.length === 1 ? 100 : 1;
    }
    return score;
  });
  const best = scores.indexOf(Math.min(...scores));
  if (scores[best] === Infinity) {
    const expected = new Set(
      issue.errors.map((branch, b) => {
        const first = branch[0];
        if (first?.code === 'invalid_type')
          return describeExpected(options?.[b], first.expected, value);
        if (first?.code === 'invalid_value') return describeChoices(first.values);
        return 'a valid alternative';
      }),
    );
    return new ScenarioError(ctx.source, {
      ...locate(path, ctx),
      fieldPath: formatPath(path),
      expected: [...expected].join(' or '),
      actual: describeValue(value),
    });
  }
  const branch = issue.errors[best]!;
  const chosen = pickIssue(branch, valueAt(ctx.raw, path));
  if (chosen.code === 'invalid_value' && chosen.values.length === 1 && chosen.path.length === 1) {
    // Every member tagged by the same field (`kind: rwp | trace`) failed on the tag: list all the tags.
    const tags = issue.errors.flatMap((b) =>
      b
        .filter((i) => i.code === 'invalid_value' && samePath(i.path, chosen.path))
        .flatMap((i) => (i as { values: unknown[] }).values),
    );
    const tagPath = [...path, ...chosen.path];
    return new ScenarioError(ctx.source, {
      ...locate(tagPath, ctx),
      fieldPath: formatPath(tagPath),
      expected: describeChoices([...new Set(tags)]),
      actual: describeValue(valueAt(ctx.raw, tagPath)),
    });
  }
  return explainIssue(chosen, path, options?.[best], ctx);
}

/** `expected …` for a value of the wrong type, richer when the schema at the path is known. */
function describeExpected(schema: Schema | undefined, expected: string, value: unknown): string {
  const s = schema === undefined ? undefined : unwrap(schema);
  const def = s?._zod.def as { type: string } | undefined;
  if (s !== undefined && def?.type === 'number')
    return describeNumber(s, typeof value === 'number' && !Number.isFinite(value));
  if (def?.type === 'enum')
    return describeChoices(
      Object.values((def as unknown as { entries: Record<string, string | number> }).entries),
    );
  if (def?.type === 'literal')
    return describeChoices((def as unknown as { values: z.core.util.Primitive[] }).values);
  if (def?.type === 'tuple')
    return `a list of ${(def as unknown as { items: unknown[] }).items.length}`;
  if (
    typeof value === 'number' &&
    !Number.isFinite(value) &&
    (expected === 'number' || expected === 'int')
  )
    return expected === 'int' ? 'a finite integer' : 'a finite number';
  return TYPE_WORDS[expected] ?? `a ${expected}`;
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
  tuple: 'a list',
  null: 'null',
  undefined: 'nothing',
  bigint: 'an integer',
  date: 'a date',
  never: 'nothing here',
};

/** `a number in [0, 1]`, `an integer at least 2`, `a number in (0, 5]`, from the schema's checks. */
function describeNumber(schema: Schema, finite = false): string {
  // The JSON Schema of the number keeps whether each bound is inclusive, which minValue/maxValue lose.
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    type?: string;
    minimum?: number;
    maximum?: number;
    exclusiveMinimum?: number;
    exclusiveMaximum?: number;
  };
  const noun = json.type === 'integer' ? 'an integer' : finite ? 'a finite number' : 'a number';
  // z.int() brings ±MAX_SAFE_INTEGER bounds; they are the integer format's, not the author's.
  const real = (b: number | undefined) =>
    b !== undefined && Math.abs(b) < Number.MAX_SAFE_INTEGER ? b : undefined;
  const min = real(json.minimum) ?? real(json.exclusiveMinimum);
  const max = real(json.maximum) ?? real(json.exclusiveMaximum);
  const minOpen = real(json.minimum) === undefined;
  const maxOpen = real(json.maximum) === undefined;
  if (min !== undefined && max !== undefined)
    return `${noun} in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`;
  if (min !== undefined) return `${noun} ${minOpen ? 'greater than' : 'at least'} ${min}`;
  if (max !== undefined) return `${noun} ${maxOpen ? 'less than' : 'at most'} ${max}`;
  return noun;
}

/** `expected …` for a too_small/too_big issue. */
function describeBound(
  issue: Extract<Issue, { code: 'too_small' | 'too_big' }>,
  schema: Schema | undefined,
): string {
  const small = issue.code === 'too_small';
  const limit = small
    ? (issue as { minimum: number | bigint }).minimum
    : (issue as { maximum: number | bigint }).maximum;
  const s = schema === undefined ? undefined : unwrap(schema);
  if (
    (issue.origin === 'number' || issue.origin === 'int') &&
    s !== undefined &&
    (s._zod.def as { type: string }).type === 'number'
  )
    return describeNumber(s);
  const relation = issue.exact
    ? 'exactly'
    : small
      ? issue.inclusive === false
        ? 'more than'
        : 'at least'
      : issue.inclusive === false
        ? 'fewer than'
        : 'at most';
  const n = Number(limit);
  switch (issue.origin) {
    case 'string':
      if (small && n === 1 && !issue.exact) return 'a non-empty string';
      return `a string of ${relation} ${n} character${n === 1 ? '' : 's'}`;
    case 'array':
    case 'set':
      if (small && n === 1 && !issue.exact) return 'a non-empty list';
      return `a list of ${relation} ${n} item${n === 1 ? '' : 's'}`;
    case 'number':
    case 'int':
    case 'bigint':
      return `${issue.origin === 'number' ? 'a number' : 'an integer'} ${small ? (issue.inclusive === false ? 'greater than' : 'at least') : issue.inclusive === false ? 'less than' : 'at most'} ${limit}`;
    default:
      return `${small ? (issue.inclusive === false ? 'more than' : 'at least') : issue.inclusive === false ? 'less than' : 'at most'} ${limit}`;
  }
}

/** `one of "a", "b"` (or just `"a"` for a single literal). */
function describeChoices(values: readonly unknown[]): string {
  const words = values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v)));
  return words.length === 1 ? words[0]! : `one of ${words.join(', ')}`;
}

/** A value described briefly: scalars as themselves (strings quoted, cut at 40 characters), containers by shape. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value))
    return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return `a ${typeof value}`;
}

// ---------------------------------------------------------------------------------------------------------
// Schema introspection (zod 4's `_zod.def`, the documented way to walk a schema)

/** The schema that checks the value itself, past wrappers that only add defaults or optionality. */
function unwrap(schema: Schema): Schema {
  let s = schema;
  for (let depth = 0; depth < 64; depth++) {
    const def = s._zod.def as unknown as {
      type: string;
      innerType?: Schema;
      in?: Schema;
      getter?: () => Schema;
    };
    if (
      def.innerType !== undefined &&
      [
        'default',
        'prefault',
        'optional',
        'nullable',
        'readonly',
        'catch',
        'nonoptional',
        'success',
      ].includes(def.type)
    )
      s = def.innerType;
    else if (def.type === 'pipe' && def.in !== undefined) s = def.in;
    else if (def.type === 'lazy' && def.getter !== undefined) s = def.getter();
    else break;
  }
  return s;
}

/** The shape of the object schema (of the union member the value belongs to, for a union of objects). */
function objectShape(
  schema: Schema | undefined,
  value?: unknown,
): Record<string, Schema> | undefined {
  if (schema === undefined) return undefined;
  const def = unwrap(schema)._zod.def as unknown as {
    type: string;
    shape?: Record<string, Schema>;
    options?: Schema[];
  };
  if (def.type === 'object') return def.shape;
  if (def.type !== 'union' || value === undefined) return undefined;
  const objects = def.options!.filter((o) => objectShape(o) !== undefined);
  const member =
    objects.find((o) => literalsMatch(o, value)) ?? (objects.length === 1 ? objects[0] : undefined);
  return member === undefined ? undefined : objectShape(member);
}

function unionOptions(schema: Schema | undefined): readonly Schema[] | undefined {
  if (schema === undefined) return undefined;
  const def = unwrap(schema)._zod.def as unknown as { type: string; options?: Schema[] };
  return def.type === 'union' ? def.options : undefined;
}

/** The schema at `path` below `schema`, following the data through unions; undefined when it cannot tell. */
function schemaAt(schema: Schema, path: Path, value: unknown): Schema | undefined {
  let s: Schema | undefined = schema;
  let v = value;
  for (const key of path) {
    if (s === undefined) return undefined;
    s = childSchema(unwrap(s), key, v);
    v = valueAt(v, [key]);
  }
  return s;
}

function childSchema(schema: Schema, key: PropertyKey, value: unknown): Schema | undefined {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'object':
      return (
        (def.shape as Record<string, Schema>)[String(key)] ?? (def.catchall as Schema | undefined)
      );
    case 'array':
      return def.element as Schema;
    case 'tuple':
      return (def.items as Schema[])[Number(key)] ?? (def.rest as Schema | undefined);
    case 'record':
      return def.valueType as Schema;
    case 'intersection':
      return (
        childSchema(unwrap(def.left as Schema), key, value) ??
        childSchema(unwrap(def.right as Schema), key, value)
      );
    case 'union': {
      // The member the data belongs to: the first that has the key and whose literal fields (tags) agree.
      const fitting = (def.options as Schema[]).filter(
        (o) => childSchema(unwrap(o), key, value) !== undefined,
      );
      const tagged = fitting.find((o) => literalsMatch(o, value)) ?? fitting[0];
      return tagged === undefined ? undefined : childSchema(unwrap(tagged), key, value);
    }
    default:
      return undefined;
  }
}

function literalsMatch(schema: Schema, value: unknown): boolean {
  const shape = objectShape(schema);
  if (shape === undefined || typeof value !== 'object' || value === null) return false;
  for (const [k, field] of Object.entries(shape)) {
    const def = unwrap(field)._zod.def as unknown as { type: string; values?: unknown[] };
    if (def.type === 'literal' && !def.values!.includes((value as Record<string, unknown>)[k]))
      return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Paths and positions

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = Array.isArray(v)
      ? v[Number(key)]
      : Object.prototype.hasOwnProperty.call(v, key)
        ? (v as Record<PropertyKey, unknown>)[key]
        : undefined;
  }
  return v;
}

function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `venues[2].walls[0].lossDb`; keys that are not identifiers in brackets: `weights["-2"]`. */
function formatPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (IDENTIFIER.test(String(key))) out += out === '' ? String(key) : `.${String(key)}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function positionOf(
  node: YamlNode,
  lineCounter: LineCounter,
): { line: number; column: number } | Record<string, never> {
  if (node.range === undefined || node.range === null) return {};
  const { line, col } = lineCounter.linePos(node.range[0]);
  return { line, column: col };
}

/** The node at `path`, or the deepest node on the way when the path ends at something missing. */
function nodeAt(ctx: Context, path: Path): YamlNode | undefined {
  let node: unknown = ctx.doc.contents;
  for (const key of path) {
    const current = isAlias(node) ? node.resolve(ctx.doc) : node;
    let next: unknown;
    if (isMap(current))
      next = current.items.find((pair) => keyText(pair.key) === String(key))?.value;
    else if (isSeq(current) && typeof key === 'number') next = current.items[key];
    if (next === undefined || next === null) return node as YamlNode;
    node = next;
  }
  return node as YamlNode;
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

/** Line and column of the value at `path` (of its nearest present ancestor when it is missing). */
function locate(path: Path, ctx: Context): { line?: number; column?: number } {
  const node = nodeAt(ctx, path);
  return node === undefined ? {} : positionOf(node, ctx.lineCounter);
}

/** Line and column of `key` in the mapping at `path`. */
function locateKey(
  path: Path,
  key: string,
  ctx: Context,
): { line: number; column: number } | undefined {
  let map: unknown = nodeAt(ctx, path);
  if (isAlias(map)) map = map.resolve(ctx.doc);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => keyText(p.key) === key);
  if (pair === undefined || !isScalar(pair.key)) return undefined;
  const position = positionOf(pair.key, ctx.lineCounter);
  return 'line' in position ? { line: position.line, column: position.column } : undefined;
}

/** The text of the key whose node starts at `offset` (where yaml reports a duplicate key). */
function duplicateKeyAt(doc: Document.Parsed, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        found = String(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
