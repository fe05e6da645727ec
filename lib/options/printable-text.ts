// oxlint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * `text` with every control character written as `\xNN`. Lock names of this library cannot
 * hold one, but keys and values that other clients wrote, and operators' reasons, can: printed
 * raw, an escape sequence retitles a terminal and a newline forges a log line.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
