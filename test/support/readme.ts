import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './packed-package.js';

/** A code block of a page: its language, its code, and the file it names on its first line. */
export interface CodeBlock {
  lang: string;
  code: string;
  /** From a first line such as `// src/main.ts`. */
  file?: string;
}

/** The fenced code blocks of `page` (relative to the repository), under `### heading` if given. */
export function codeBlocks(page: string, heading?: string): CodeBlock[] {
  let text = readFileSync(join(ROOT, page), 'utf8');
  if (heading) {
    const start = text.indexOf(`\n${heading}\n`);
    if (start < 0) throw new Error(`${page} has no heading "${heading}"`);
    const level = heading.split(' ')[0]!;
    const next = text
      .slice(start + heading.length + 2)
      .search(new RegExp(`^#{1,${level.length}} `, 'm'));
    text = text.slice(start, next < 0 ? undefined : start + heading.length + 2 + next);
  }
  return [...text.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1]!,
    code: m[2]!,
    file: /^\/\/ (\S+\.ts)\n/.exec(m[2]!)?.[1],
  }));
}
