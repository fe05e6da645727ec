const startedAt = Date.now();

/** A progress line on stderr, with the seconds since the run began. */
export function log(line: string): void {
  process.stderr.write(`${((Date.now() - startedAt) / 1000).toFixed(0)} s: ${line}\n`);
}

/** Runs a benchmark's `main`: an error is printed and the exit code set to 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
