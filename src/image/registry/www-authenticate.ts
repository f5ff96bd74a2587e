/** One challenge of a `WWW-Authenticate` header (RFC 7235 §4.1). */
export interface AuthChallenge {
  /** Lower-cased: `bearer`, `basic`. */
  scheme: string;
  /** Parameters with lower-cased names: `realm`, `service`, `scope`, `error`. */
  params: Record<string, string>;
  /** The token68 form (`Negotiate abc==`), when the challenge uses it instead of parameters. */
  token68?: string;
}

const tokenChars = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const token68Pattern = /^[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(?:,|$))/;

/**
 * Parses `WWW-Authenticate` header values into challenges. Handles several challenges in one value
 * (`Bearer realm="a",service="b", Basic realm="c"`), quoted strings holding commas and escaped
 * quotes, and repeated header lines. Malformed parts are skipped: a registry's odd header should
 * not hide the challenges we can read.
 */
export function parseWwwAuthenticate(header: string | readonly string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const values = typeof header === 'string' ? [header] : header;
  return values.flatMap((value) => new ChallengeParser(value).parse());
}

class ChallengeParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): AuthChallenge[] {
    const challenges: AuthChallenge[] = [];
    for (;;) {
      this.skip(/[ \t,]/);
      if (this.atEnd()) return challenges;
      const scheme = this.readToken();
      if (!scheme) {
        this.pos++; // not a token: step over it
        continue;
      }
      const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
      challenges.push(challenge);
      this.skip(/[ \t]/);
      const token68 = token68Pattern.exec(this.text.slice(this.pos))?.[0];
      // token68 is a whole item (`abc==` then a comma or the end); `name=value` never matches it.
      if (token68 !== undefined) {
        challenge.token68 = token68;
        this.pos += token68.length;
        continue;
      }
      this.readParams(challenge);
    }
  }

  /** Reads `name=value` pairs until what follows is not one (then it is the next challenge's scheme). */
  private readParams(challenge: AuthChallenge): void {
    for (;;) {
      const start = this.pos;
      this.skip(/[ \t,]/);
      const name = this.readToken();
      this.skip(/[ \t]/);
      if (!name || this.peek() !== '=') {
        this.pos = start;
        return;
      }
      this.pos++; // '='
      this.skip(/[ \t]/);
      challenge.params[name.toLowerCase()] = this.peek() === '"' ? this.readQuoted() : this.readToken();
    }
  }

  private readToken(): string {
    const start = this.pos;
    while (!this.atEnd() && tokenChars.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** A quoted-string; backslash escapes the next character. An unterminated one runs to the end. */
  private readQuoted(): string {
    let value = '';
    this.pos++; // opening quote
    while (!this.atEnd()) {
      const char = this.peek();
      this.pos++;
      if (char === '"') return value;
      if (char === '\\' && !this.atEnd()) {
        value += this.peek();
        this.pos++;
      } else {
        value += char;
      }
    }
    return value;
  }

  private skip(chars: RegExp): void {
    while (!this.atEnd() && chars.test(this.peek())) this.pos++;
  }

  private peek(): string {
    return this.text.charAt(this.pos);
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }
}
