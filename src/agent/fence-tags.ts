/**
 * Finds what a model could read as an <untrusted_data> or <reflection> tag in text from outside,
 * however it is spelled: `< /untrusted_data>`, `</ UNTRUSTED_DATA >`, fullwidth `＜／…＞`, with
 * zero-width or NUL characters inside, as HTML entities (`&lt;/untrusted_data&gt;`) or escapes
 * (`\u003c`, `%3C`), in Unicode tag characters, with Cyrillic or Greek lookalike letters.
 *
 * The text is matched through a skeleton: each character folded to what a reader takes it for
 * (NFKC, lower case, lookalikes and escapes decoded; format, control and combining characters and
 * backslashes dropped), each skeleton character remembering where in the original it came from.
 * Only the matched spans are replaced; the rest of the text reaches the model unchanged.
 */

/** The tags gagent fences with, as the skeleton spells them, and any attributes up to a closing `>`. */
const TAG = /<[\s/]*(?:untrusted[^a-z0-9<>]{0,3}data|reflection)(?:[^<>]{0,200}>)?/g;

/**
 * Entities and escapes a reader may decode, in folded (lower-case) text: numeric and a few named
 * HTML entities, JS/JSON and URL escapes.
 */
const ESCAPE =
  /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(lt|gt|sol|lowbar|bsol));?|\\u\{([0-9a-f]{1,6})\}|\\u([0-9a-f]{4})|\\x([0-9a-f]{2})|%([0-9a-f]{2})/y;

const NAMED: Record<string, string> = { lt: '<', gt: '>', sol: '/', lowbar: '_', bsol: '\\' };

/** Read as nothing: format and control characters (but line breaks and tabs), combining marks, fillers. */
const IGNORED = /[\p{Cf}\p{Mn}\p{Me}\p{Default_Ignorable_Code_Point}]|[^\P{Cc}\t\n\r]/u;

/** Characters NFKC leaves alone that a reader still takes for one of the tag's characters. */
const LOOKALIKES: Record<string, string> = {
  ...Object.fromEntries([...'‹〈⟨˂ᐸ❮❬'].map((c) => [c, '<'])),
  ...Object.fromEntries([...'›〉⟩˃ᐳ❯❭'].map((c) => [c, '>'])),
  ...Object.fromEntries([...'⁄∕⧸╱'].map((c) => [c, '/'])),
  // Cyrillic and Greek letters drawn like the Latin ones of "untrusted", "data", "reflection".
  а: 'a',
  α: 'a',
  ɑ: 'a',
  с: 'c',
  ԁ: 'd',
  е: 'e',
  ε: 'e',
  і: 'i',
  ι: 'i',
  ı: 'i',
  о: 'o',
  ο: 'o',
  ѕ: 's',
  υ: 'u',
};

const TAG_CHARACTERS = { first: 0xe0020, last: 0xe007e };

/** What one character reads as: zero or more skeleton characters. */
function fold(char: string): string {
  const cp = char.codePointAt(0) as number;
  // Unicode tag characters are invisible ASCII: some models read them as the letters they shadow.
  if (cp >= TAG_CHARACTERS.first && cp <= TAG_CHARACTERS.last)
    return fold(String.fromCodePoint(cp - 0xe0000));
  if (cp < 0x80) return IGNORED.test(char) ? '' : char.toLowerCase();
  let out = '';
  for (const normal of char.normalize('NFKC').toLowerCase()) {
    if (IGNORED.test(normal)) continue;
    out += LOOKALIKES[normal] ?? normal;
  }
  return out;
}

/** The character an escape at `at` stands for, and how long the escape is; null when there is none. */
function escapeAt(text: string, at: number): { char: string; length: number } | null {
  ESCAPE.lastIndex = at;
  const m = ESCAPE.exec(text);
  if (!m) return null;
  const [whole, dec, hex, named, braced, u4, x2, pct] = m;
  if (named) return { char: NAMED[named.toLowerCase()] as string, length: whole.length };
  const digits = dec ?? hex ?? braced ?? u4 ?? x2 ?? pct;
  const cp = Number.parseInt(digits as string, dec ? 10 : 16);
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
  return { char: String.fromCodePoint(cp), length: whole.length };
}

interface Skeleton {
  text: string;
  /** For each skeleton code unit: where the original text it stands for starts and ends. */
  from: number[];
  to: number[];
}

/** Every character of `text` folded (fold), each remembering its place in the original. */
function folded(text: string): Skeleton {
  const out: Skeleton = { text: '', from: [], to: [] };
  for (let i = 0; i < text.length; ) {
    const char = String.fromCodePoint(text.codePointAt(i) as number);
    const read = fold(char);
    for (let k = 0; k < read.length; k++) {
      out.from.push(i);
      out.to.push(i + char.length);
    }
    out.text += read;
    i += char.length;
  }
  return out;
}

/**
 * Escapes decoded in folded text (so `&l\u200bt;` and fullwidth `＆ｌｔ；` decode too), each decoded
 * character folded again; a backslash that starts no escape is read as nothing.
 */
function decoded(s: Skeleton): Skeleton {
  const out: Skeleton = { text: '', from: [], to: [] };
  for (let i = 0; i < s.text.length; ) {
    const c = s.text[i] as string;
    const escaped = c === '&' || c === '\\' || c === '%' ? escapeAt(s.text, i) : null;
    const length = escaped ? escaped.length : 1;
    const read = escaped ? fold(escaped.char) : c === '\\' ? '' : c;
    for (let k = 0; k < read.length; k++) {
      out.from.push(s.from[i] as number);
      out.to.push(s.to[i + length - 1] as number);
    }
    out.text += read;
    i += length;
  }
  return out;
}

/** The spans of `text` (start, end) a model could read as a fence tag, in order, not overlapping. */
export function fenceTagSpans(text: string): [number, number][] {
  const s = decoded(folded(text));
  const spans: [number, number][] = [];
  for (const m of s.text.matchAll(TAG)) {
    const start = s.from[m.index] as number;
    const end = s.to[m.index + m[0].length - 1] as number;
    const last = spans.at(-1);
    if (last && start < last[1]) last[1] = Math.max(last[1], end);
    else spans.push([start, end]);
  }
  return spans;
}

/** `text` with every span that reads as a fence tag replaced by `replacement`. */
export function replaceFenceTags(text: string, replacement: string): string {
  const spans = fenceTagSpans(text);
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [start, end] of spans) {
    out += text.slice(at, start) + replacement;
    at = end;
  }
  return out + text.slice(at);
}
