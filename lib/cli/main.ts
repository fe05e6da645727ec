#!/usr/bin/env node
import module from 'node:module';

// Node 22+ keeps the compiled code of the modules the CLI loads (Nest and etcd3 are about a
// thousand) in the OS temp folder, so calls after the first start faster. Node 20 has none.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// After the cache is on, so that everything the CLI loads goes through it.
await import('./cli-program.js');
