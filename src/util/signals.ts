/** Resolves on the first SIGINT or SIGTERM (or when `extra` settles), removing its handlers again. */
export function untilSignal(extra?: Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
    extra?.then(done, done);
  });
}
