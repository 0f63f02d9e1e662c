// A progress bar on stderr: redrawn in place on a terminal, a line per tenth elsewhere (CI logs).
export interface Progress {
  tick(count?: number): void;
  done(): void;
}

export function progressBar(label: string, total: number, out: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const started = performance.now();
  let done = 0;
  let lastTenth = -1;
  let lastDraw = 0;
  const line = () => {
    const fraction = total === 0 ? 1 : done / total;
    const width = 30;
    const filled = Math.round(fraction * width);
    const rate = done / Math.max(0.001, (performance.now() - started) / 1000);
    return `${label.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${done}/${total} ${rate.toFixed(0)}/s`;
  };
  const draw = (final: boolean) => {
    if (quiet) return;
    if (out.isTTY) {
      const now = performance.now();
      if (!final && now - lastDraw < 100) return;
      lastDraw = now;
      out.write(`\r${line()}${final ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor((done / Math.max(1, total)) * 10);
    if (tenth > lastTenth || (final && tenth < 10)) {
      lastTenth = tenth;
      out.write(`${line()}\n`);
    }
  };
  return {
    tick(count = 1) {
      done += count;
      draw(false);
    },
    done() {
      draw(true);
    },
  };
}
