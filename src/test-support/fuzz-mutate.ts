import fc from 'fast-check';
import { fuzzSettings } from './fuzz.js';

/**
 * Structure-aware mutation for the fuzz tests: start from a valid seed (a real tar, a real package
 * database, a schema-valid manifest, a Dockerfile from its grammar) and damage it the ways hostile
 * input does — bit flips, truncation, splices, huge numbers, long strings, deep nesting, unicode,
 * NULs, prototype keys. Each mutation is a value fast-check can shrink (fewer mutations, smaller
 * positions), so a failure comes back minimised. Positions are taken modulo the data's length.
 */

/** Largest mutated input (bytes or characters; or twice the seed): big enough for amplification to show, small enough to run fast. */
const maxMutatedLength = fuzzSettings.maxBytes;

/** Integers that break parsers: zero, ones, sign bits, all ones, past 2^53. */
const interestingNumbers = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
const interestingBytes = [0x00, 0x01, 0x0a, 0x0d, 0x20, 0x22, 0x2f, 0x30, 0x37, 0x38, 0x3a, 0x5c, 0x7b, 0x7f, 0x80, 0xc0, 0xef, 0xfe, 0xff];

/** How often a chunk or line is repeated: mostly a few, sometimes up to the size limit (quadratic work shows there). */
const repeatCount = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 2, max: 2000 }) }, { weight: 1, arbitrary: fc.integer({ min: 2000, max: 200_000 }) });

type ByteMutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'word'; at: number; value: number; size: 2 | 4 | 8; littleEndian: boolean }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'copy'; from: number; to: number; length: number }
  | { kind: 'repeat'; at: number; length: number; times: number }
  | { kind: 'splice'; at: number; other: number; from: number; length: number };

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('byte' as const),
      at: fc.nat(),
      value: fc.oneof(fc.constantFrom(...interestingBytes), fc.integer({ min: 0, max: 255 })),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('word' as const),
      at: fc.nat(),
      value: fc.constantFrom(...interestingNumbers),
      size: fc.constantFrom(2 as const, 4 as const, 8 as const),
      littleEndian: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 1024 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('copy' as const), from: fc.nat(), to: fc.nat(), length: fc.integer({ min: 1, max: 4096 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 600 }), times: repeatCount }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), other: fc.nat(), from: fc.nat(), length: fc.integer({ min: 1, max: 8192 }) }),
  },
);

function applyByteMutation(data: Buffer, mutation: ByteMutation, others: readonly Buffer[]): Buffer {
  const at = mutation.kind === 'copy' ? 0 : mutation.at % (data.length + 1);
  switch (mutation.kind) {
    case 'flip': {
      if (data.length === 0) return data;
      const copy = Buffer.from(data);
      copy[at % data.length] = (copy[at % data.length] as number) ^ (1 << mutation.bit);
      return copy;
    }
    case 'byte': {
      if (data.length === 0) return Buffer.of(mutation.value);
      const copy = Buffer.from(data);
      copy[at % data.length] = mutation.value;
      return copy;
    }
    case 'word': {
      const copy = Buffer.from(data);
      const start = Math.min(at, Math.max(0, copy.length - mutation.size));
      if (start + mutation.size > copy.length) return copy;
      const { value, size, littleEndian } = mutation;
      if (size === 2) copy[littleEndian ? 'writeUInt16LE' : 'writeUInt16BE'](value & 0xffff, start);
      else if (size === 4) copy[littleEndian ? 'writeUInt32LE' : 'writeUInt32BE'](value >>> 0, start);
      else copy[littleEndian ? 'writeBigUInt64LE' : 'writeBigUInt64BE'](BigInt(value), start);
      return copy;
    }
    case 'truncate':
      return data.subarray(0, at);
    case 'delete':
      return Buffer.concat([data.subarray(0, at), data.subarray(at + mutation.length)]);
    case 'insert':
      return Buffer.concat([data.subarray(0, at), Buffer.from(mutation.bytes), data.subarray(at)]);
    case 'copy': {
      if (data.length === 0) return data;
      const copy = Buffer.from(data);
      const from = mutation.from % data.length;
      data.copy(copy, mutation.to % data.length, from, from + mutation.length);
      return copy;
    }
    case 'repeat': {
      const chunk = data.subarray(at, at + mutation.length);
      const times = Math.min(mutation.times, Math.floor(maxMutatedLength / Math.max(1, chunk.length)));
      return Buffer.concat([data.subarray(0, at), ...Array<Buffer>(times).fill(chunk), data.subarray(at + chunk.length)]);
    }
    case 'splice': {
      const other = others.length === 0 ? data : (others[mutation.other % others.length] as Buffer);
      const from = other.length === 0 ? 0 : mutation.from % other.length;
      return Buffer.concat([data.subarray(0, at), other.subarray(from, from + mutation.length), data.subarray(at)]);
    }
  }
}

/**
 * Buffers made from a seed by up to `maxMutations` byte-level mutations; `others` are spliced in.
 * `fixup` runs after the mutations (e.g. to recompute a checksum, so damage reaches past it).
 */
export function mutatedBytes(
  seed: fc.Arbitrary<Buffer>,
  options: { others?: readonly Buffer[]; maxMutations?: number; fixup?: (data: Buffer) => Buffer } = {},
): fc.Arbitrary<Buffer> {
  return fc.tuple(seed, fc.array(byteMutation, { maxLength: options.maxMutations ?? 6 })).map(([data, mutations]) => {
    const limit = Math.max(maxMutatedLength, 2 * data.length);
    let result = data;
    for (const mutation of mutations) {
      result = applyByteMutation(result, mutation, options.others ?? []);
      if (result.length > limit) result = result.subarray(0, limit);
    }
    return options.fixup ? options.fixup(result) : result;
  });
}

/**
 * Strings hostile to every text format: NULs and control characters, bidi overrides, a BOM in the
 * middle, lone surrogates, astral characters, prototype keys, huge and odd numbers, quotes and escapes,
 * variable and command syntax, YAML anchors, aliases and tags.
 */
const hostileTokens: readonly string[] = [
  '\0',
  '\x1b[31m',
  '\x07',
  '\r',
  '\r\n',
  '\t',
  '\u202e',
  '\ufeff',
  '\ud800',
  '\udfff',
  '😀',
  'e\u0301',
  '\u2028',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '9'.repeat(400),
  '18446744073709551616',
  '9007199254740993',
  '-1',
  '-0',
  '1e309',
  'NaN',
  'Infinity',
  '0x7fffffff',
  '077777777777',
  '"',
  "'",
  '\\',
  '`',
  '${',
  '$(',
  '}}',
  '{{',
  '%',
  '*',
  '&a',
  '*a',
  '<<: *a',
  '!!binary',
  '!!timestamp',
  '!!python/object',
  '? ',
  '- ',
  ': ',
  '#',
  '---\n',
  '...\n',
  '\\\n',
  'A'.repeat(5000),
  '../'.repeat(30),
  '/',
];

type TextMutation =
  | { kind: 'char'; at: number; text: string }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'line'; line: number; times: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'nest'; at: number; depth: number; pair: number }
  | { kind: 'splice'; at: number; other: number; from: number; length: number };

/** Openers and closers of nesting, for deep-nesting mutations. */
const pairs: readonly [string, string][] = [
  ['[', ']'],
  ['{', '}'],
  ['(', ')'],
  ['${', '}'],
  ['- ', ''],
  ['  ', ''],
  ['"', '"'],
];

function textMutation(tokens: readonly string[]): fc.Arbitrary<TextMutation> {
  const token = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...tokens) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) });
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('char' as const), at: fc.nat(), text: token }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: token }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('line' as const), line: fc.nat(), times: repeatCount }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 2, max: 20_000 }), pair: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), other: fc.nat(), from: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
    },
  );
}

function applyTextMutation(text: string, mutation: TextMutation, others: readonly string[]): string {
  switch (mutation.kind) {
    case 'char': {
      const at = mutation.at % (text.length + 1);
      return text.slice(0, at) + mutation.text + text.slice(at + 1);
    }
    case 'insert': {
      const at = mutation.at % (text.length + 1);
      return text.slice(0, at) + mutation.text + text.slice(at);
    }
    case 'delete': {
      const at = mutation.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + mutation.length);
    }
    case 'truncate':
      return text.slice(0, mutation.at % (text.length + 1));
    case 'line': {
      const lines = text.split('\n');
      const index = mutation.line % lines.length;
      const line = lines[index] as string;
      const times = Math.min(mutation.times, Math.floor(maxMutatedLength / (line.length + 1)));
      return [...lines.slice(0, index), ...Array<string>(times).fill(line), ...lines.slice(index + 1)].join('\n');
    }
    case 'swap': {
      const lines = text.split('\n');
      const a = mutation.a % lines.length;
      const b = mutation.b % lines.length;
      [lines[a], lines[b]] = [lines[b] as string, lines[a] as string];
      return lines.join('\n');
    }
    case 'nest': {
      const at = mutation.at % (text.length + 1);
      const [open, close] = pairs[mutation.pair % pairs.length] as [string, string];
      return text.slice(0, at) + open.repeat(mutation.depth) + close.repeat(mutation.depth) + text.slice(at);
    }
    case 'splice': {
      const other = others.length === 0 ? text : (others[mutation.other % others.length] as string);
      const at = mutation.at % (text.length + 1);
      const from = other.length === 0 ? 0 : mutation.from % other.length;
      return text.slice(0, at) + other.slice(from, from + mutation.length) + text.slice(at);
    }
  }
}

/** Text made from a seed by up to `maxMutations` mutations, with the format's own `tokens` added to the hostile ones. */
export function mutatedText(
  seed: fc.Arbitrary<string>,
  options: { tokens?: readonly string[]; others?: readonly string[]; maxMutations?: number } = {},
): fc.Arbitrary<string> {
  const tokens = [...hostileTokens, ...(options.tokens ?? [])];
  return fc.tuple(seed, fc.array(textMutation(tokens), { maxLength: options.maxMutations ?? 5 })).map(([text, mutations]) => {
    const limit = Math.max(maxMutatedLength, 2 * text.length);
    let result = text;
    for (const mutation of mutations) {
      result = applyTextMutation(result, mutation, options.others ?? []);
      if (result.length > limit) result = result.slice(0, limit);
    }
    return result;
  });
}

type JsonMutation =
  { kind: 'replace'; node: number; value: unknown } | { kind: 'drop'; node: number } | { kind: 'key'; node: number; key: string; value: unknown };

/** Values that do not belong where a schema expects something else. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, -0, 1e308, 2 ** 53 + 1, -(2 ** 63), 0.5, '', '0', 'A'.repeat(10_000), '\0', '\u202e', '__proto__', {}, [], [[]], {
    '': '',
  }),
  // deep, but within what JSON.stringify and structuredClone manage (deeper nesting comes from text mutations)
  fc.integer({ min: 2, max: 1500 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown),
  fc.integer({ min: 2, max: 1500 }).map((depth) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) as unknown),
  fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => JSON.parse(`{"${key}":{"polluted":"yes"}}`) as unknown),
  fc.jsonValue({ maxDepth: 3 }),
);

const jsonKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'length', '', ' ', '\0', 'A'.repeat(300)),
  fc.string({ maxLength: 10 }),
);

const jsonMutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), node: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), node: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('key' as const), node: fc.nat(), key: jsonKey, value: hostileValue }) },
);

/** Every object and array in a JSON value, with the place it hangs from (preorder). */
function nodesOf(root: unknown): { parent: Record<string, unknown> | unknown[] | undefined; key: string | number; value: unknown }[] {
  const found: { parent: Record<string, unknown> | unknown[] | undefined; key: string | number; value: unknown }[] = [];
  const walk = (parent: Record<string, unknown> | unknown[] | undefined, key: string | number, value: unknown, depth: number): void => {
    found.push({ parent, key, value });
    if (depth > 50 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) value.forEach((item, index) => walk(value, index, item, depth + 1));
    else for (const [name, item] of Object.entries(value)) walk(value as Record<string, unknown>, name, item, depth + 1);
  };
  walk(undefined, '', root, 0);
  return found;
}

/** Sets an own property, even `__proto__` (a plain assignment would change the prototype instead). */
function setOwn(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function applyJsonMutation(root: unknown, mutation: JsonMutation): unknown {
  const nodes = nodesOf(root);
  const node = nodes[mutation.node % nodes.length];
  if (!node) return root;
  // values are cloned: fast-check reuses them across runs, and later mutations change what they are put in
  if (mutation.kind === 'replace') {
    if (!node.parent) return structuredClone(mutation.value);
    setOwn(node.parent, node.key, structuredClone(mutation.value));
  } else if (mutation.kind === 'drop') {
    if (!node.parent) return root;
    if (Array.isArray(node.parent)) node.parent.splice(node.key as number, 1);
    else delete node.parent[node.key as string];
  } else if (typeof node.value === 'object' && node.value !== null && !Array.isArray(node.value)) {
    setOwn(node.value as Record<string, unknown>, mutation.key, structuredClone(mutation.value));
  }
  return root;
}

/**
 * JSON-shaped values made from a valid one (a schema-valid manifest, an OSV record, a Kubernetes
 * object): nodes replaced by values of the wrong type, huge numbers, long strings, deep nesting,
 * prototype keys; keys dropped and added. The caller serialises (JSON, YAML) and may mutate the text.
 */
export function mutatedJson(seed: fc.Arbitrary<unknown>, maxMutations = 4): fc.Arbitrary<unknown> {
  return fc.tuple(seed, fc.array(jsonMutation, { maxLength: maxMutations })).map(([value, mutations]) => {
    let result: unknown = structuredClone(value);
    for (const mutation of mutations) result = applyJsonMutation(result, mutation);
    return result;
  });
}
