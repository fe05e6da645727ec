import 'vitest';

/** What the global setup hands to every test file through `inject()`. */
declare module 'vitest' {
  export interface ProvidedContext {
    etcdHosts: string;
    etcdctl: string;
  }
}
