/**
 * Runs `task` every `intervalMs`, one run at a time (the next waits until the last one ended),
 * handing failures to `onError` and trying again next time. `stop()` ends the loop and waits
 * for a run in flight, so shutdown never closes a pool under it.
 */
export function repeatEvery(intervalMs: number, task: () => Promise<void>, onError: (err: unknown) => void): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      running = task()
        .catch(onError)
        .finally(() => {
          if (!stopped) schedule();
        });
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
