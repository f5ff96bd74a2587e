/** Command-line option parsing for the tools CI scripts call (`docker build -t x -f y .`). */
import type { CiValue } from './model.js';
import { pushAll } from '../../core/collections.js';

export interface ParsedArgs {
  /** Values of options that take one, by option name as written (`-t`, `--tag`). */
  options: Map<string, CiValue[]>;
  /** Options without a value. */
  flags: Set<string>;
  positionals: CiValue[];
  /** With `stopAtPositional`: the first positional and everything after it. */
  rest: CiValue[];
}

export interface ParseArgsOptions {
  /** Stop at the first positional (`docker run [opts] IMAGE [args…]`). */
  stopAtPositional?: boolean;
}

/** Splits a value at the first `=` of its resolved text (the name part is a literal option name). */
function splitAtEquals(value: CiValue): [string, CiValue] {
  const at = value.resolved.indexOf('=');
  const rawAt = value.raw.indexOf('=');
  const name = value.resolved.slice(0, at);
  return [name, { ...value, raw: rawAt < 0 ? value.raw : value.raw.slice(rawAt + 1), resolved: value.resolved.slice(at + 1) }];
}

/** Parses options; `valued` names the options that take a value (both `--x v` and `--x=v` work). */
export function parseArgs(args: readonly CiValue[], valued: ReadonlySet<string>, opts: ParseArgsOptions = {}): ParsedArgs {
  const parsed: ParsedArgs = { options: new Map(), flags: new Set(), positionals: [], rest: [] };
  const addOption = (name: string, value: CiValue): void => {
    const list = parsed.options.get(name) ?? [];
    list.push(value);
    parsed.options.set(name, list);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) continue;
    const text = arg.resolved;
    if (text === '--') {
      pushAll(parsed.positionals, args.slice(i + 1));
      if (opts.stopAtPositional === true) pushAll(parsed.rest, args.slice(i + 1));
      break;
    }
    if (text.startsWith('--') && text.length > 2) {
      if (text.includes('=') && !text.slice(0, text.indexOf('=')).includes('$')) {
        const [name, value] = splitAtEquals(arg);
        addOption(name, value);
      } else if (valued.has(text)) {
        const value = args[i + 1];
        if (value !== undefined) addOption(text, value);
        i++;
      } else parsed.flags.add(text);
      continue;
    }
    if (text.startsWith('-') && text.length > 1 && !text.startsWith('-$')) {
      const short = text.slice(0, 2);
      if (valued.has(text)) {
        const value = args[i + 1];
        if (value !== undefined) addOption(text, value);
        i++;
      } else if (valued.has(short) && text.length > 2) {
        // `-tapp:1` / `-t=app:1`
        const attached = text.slice(2).startsWith('=') ? 3 : 2;
        addOption(short, { ...arg, raw: arg.raw.slice(attached), resolved: text.slice(attached) });
      } else if (text.includes('=')) {
        const [name, value] = splitAtEquals(arg);
        addOption(name, value);
      } else {
        // combined short flags: `-it`
        for (const ch of text.slice(1)) parsed.flags.add(`-${ch}`);
        const last = `-${text.slice(-1)}`;
        if (text.length > 2 && valued.has(last)) {
          parsed.flags.delete(last);
          const value = args[i + 1];
          if (value !== undefined) addOption(last, value);
          i++;
        }
      }
      continue;
    }
    if (opts.stopAtPositional === true) {
      pushAll(parsed.rest, args.slice(i));
      parsed.positionals.push(arg);
      break;
    }
    parsed.positionals.push(arg);
  }
  return parsed;
}

/** All values given for any of `names`, in order of the names. */
export function optionValues(parsed: ParsedArgs, ...names: string[]): CiValue[] {
  return names.flatMap((name) => parsed.options.get(name) ?? []);
}

/** The last value given for any of `names` (later options win). */
export function lastOption(parsed: ParsedArgs, ...names: string[]): CiValue | undefined {
  const values = optionValues(parsed, ...names);
  return values[values.length - 1];
}

export function hasFlag(parsed: ParsedArgs, ...names: string[]): boolean {
  return names.some((name) => parsed.flags.has(name));
}
