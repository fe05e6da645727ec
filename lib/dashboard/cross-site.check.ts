import { ForbiddenException, UnsupportedMediaTypeException } from '@nestjs/common';

type Headers = Record<string, string | string[] | undefined>;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * Force-release only from the dashboard's own page (OWASP's CSRF basics): a form on any other
 * site can post `application/x-www-form-urlencoded` with the user's cookies, and it released a
 * lock before this check. JSON only (a cross-site page cannot send it without a CORS
 * preflight, which is never answered); `Sec-Fetch-Site` must say same-origin where the browser
 * sends it; `Origin`, where sent, must be the host the request came to. A client that is not a
 * browser (curl) sends neither and passes: the guards given to the module decide for it.
 */
export function refuseCrossSite(headers: Headers): void {
  const type = one(headers['content-type']) ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new UnsupportedMediaTypeException(
      `Force-release takes application/json, not ${type || 'a body without a type'}.`,
    );
  }
  const site = one(headers['sec-fetch-site']);
  if (site !== undefined && site !== 'same-origin') {
    throw new ForbiddenException(
      `Force-release refused: a ${site} request, not the dashboard's page.`,
    );
  }
  const origin = one(headers.origin);
  if (origin === undefined) return;
  const hosts = [one(headers['x-forwarded-host']), one(headers.host)];
  const from = URL.canParse(origin) ? new URL(origin).host : origin;
  if (!hosts.includes(from)) {
    throw new ForbiddenException(
      `Force-release refused: the request comes from ${origin}, not from this dashboard.`,
    );
  }
}
