import { aptInstall, canApt, isExecutable, onPath } from '../system/executables.js';

const HOW_TO_GET =
  'Chromium not found: install it (Debian/Ubuntu: apt-get install chromium), ' +
  'or set CHROMIUM_PATH=/path/to/chromium';

/** Chromium for the dashboard's browser test: CHROMIUM_PATH, PATH, or Debian's package. */
export function findChromium(log: (line: string) => void = console.error): string {
  const found = locate();
  if (found) return found;
  if (canApt()) {
    log('Chromium not found; installing the Debian package chromium with apt-get…');
    aptInstall(['chromium']);
    const installed = locate();
    if (installed) return installed;
  }
  throw new Error(HOW_TO_GET);
}

function locate(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} is not executable`);
    return fromEnv;
  }
  return onPath('chromium') ?? onPath('chromium-browser');
}
