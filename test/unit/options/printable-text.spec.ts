import { describe, expect, it } from 'vitest';
import { printable } from '../../../lib/options/printable-text.js';

describe('text printed to a terminal or a log', () => {
  it('writes every control character as \\xNN and leaves the rest alone', () => {
    expect(printable('job\nEtcdLock lost nothing')).toBe('job\\x0aEtcdLock lost nothing');
    expect(printable('a\u001b]0;owned\u0007b')).toBe('a\\x1b]0;owned\\x07b');
    expect(printable('c1\u0085 del\u007f')).toBe('c1\\x85 del\\x7f');
    expect(printable('tenant:1/é 漢 🔒')).toBe('tenant:1/é 漢 🔒');
  });
});
