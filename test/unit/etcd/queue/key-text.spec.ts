import { describe, expect, it } from 'vitest';
import { keysOfText, keyText } from '../../../../lib/etcd/queue/key-text.js';

describe('keys as text', () => {
  it('shows a UTF-8 key as it is', () => {
    expect(keyText(Buffer.from('locks/café/ü'))).toBe('locks/café/ü');
    expect(keysOfText('locks/café')).toEqual([Buffer.from('locks/café')]);
  });

  it('shows each byte that is not valid UTF-8 as \\xNN, keeping the valid text around it', () => {
    const key = Buffer.concat([
      Buffer.from('locks/a'),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('é/1'),
    ]);
    expect(keyText(key)).toBe('locks/a\\xff\\xc3é/1');
  });

  it('finds the raw key again from its text, and the literal text too', () => {
    const raw = Buffer.concat([Buffer.from('locks/a'), Buffer.from([0xff]), Buffer.from('/1')]);
    expect(keysOfText(keyText(raw))).toEqual([Buffer.from('locks/a\\xff/1'), raw]);
  });

  it('takes escapes of bytes that would make valid UTF-8 as literal text only', () => {
    // \xc3\xa9 is "é": no key shows that way, so the text means itself.
    expect(keysOfText('a\\xc3\\xa9')).toEqual([Buffer.from('a\\xc3\\xa9')]);
  });
});
