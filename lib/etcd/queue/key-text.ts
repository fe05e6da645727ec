const strict = new TextDecoder('utf-8', { fatal: true });

/** How many bytes the UTF-8 sequence starting with `lead` has; 1 for a byte that starts none. */
const sequenceLength = (lead: number): number =>
  lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 1;

function decodes(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * A key as text. Other clients may write keys that are not UTF-8: each byte that is not part
 * of a valid sequence is shown as `\xNN`, where `toString()` made it U+FFFD, which no name
 * could be released by.
 */
export function keyText(key: Uint8Array): string {
  const whole = decodes(key);
  if (whole !== undefined) return whole;
  let text = '';
  for (let at = 0; at < key.length;) {
    const length = sequenceLength(key[at]!);
    const char = length > 1 || key[at]! < 0x80 ? decodes(key.subarray(at, at + length)) : undefined;
    if (char === undefined) {
      text += `\\x${key[at]!.toString(16).padStart(2, '0')}`;
      at += 1;
    } else {
      text += char;
      at += length;
    }
  }
  return text;
}

const BYTE_ESCAPE = /\\x([89a-f][0-9a-f])/g;

/**
 * The keys `text` can stand for, by `keyText`'s rule: itself in UTF-8, and, when it has `\xNN`
 * escapes of bytes that are not valid UTF-8 there, those bytes.
 */
export function keysOfText(text: string): Buffer[] {
  const literal = Buffer.from(text);
  if (!text.includes('\\x')) return [literal];
  const parts: Buffer[] = [];
  let last = 0;
  for (const match of text.matchAll(BYTE_ESCAPE)) {
    parts.push(Buffer.from(text.slice(last, match.index)), Buffer.from([parseInt(match[1]!, 16)]));
    last = match.index + match[0].length;
  }
  parts.push(Buffer.from(text.slice(last)));
  const raw = Buffer.concat(parts);
  return keyText(raw) === text ? [literal, raw] : [literal];
}
