// A server binary run for a test or the benchmark (Prometheus, Jaeger): spawned with its output in
// a log file in its temporary folder, waited for until a URL answers, and stopped with its folder
// removed; a server that fails to spawn, exits or is not ready in time is stopped and thrown with
// what it logged.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerProcessOptions {
  /** As errors name it. */
  name: string;
  command: string;
  args: readonly string[];
  /** The server's temporary folder: its log goes in it, and stop removes it. */
  dir: string;
  /** Answers 2xx once the server is ready. */
  readyUrl: string;
  timeoutMs: number;
  pollMs: number;
  /** What to do when the command cannot be spawned at all (not installed). */
  installHint?: string;
}

/** Starts the server and resolves once `readyUrl` answers; the returned `stop` ends it and removes `dir`. */
export async function startServerProcess(options: ServerProcessOptions): Promise<{ stop: () => Promise<void> }> {
  const logFile = join(options.dir, `${options.name}.log`);
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(options.command, options.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const stop = async () => {
    if (child.exitCode === null && !spawnError) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(options.dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`${options.name} did not start (${spawnError.message})${options.installHint ? `; ${options.installHint}` : ''}`);
    }
    if (child.exitCode !== null) {
      const output = readFileSync(logFile, 'utf8');
      await stop();
      throw new Error(`${options.name} exited with ${child.exitCode}:\n${output}`);
    }
    const ready = await fetch(options.readyUrl).then((response) => response.ok, () => false);
    if (ready) return { stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} was not ready at ${options.readyUrl} within ${options.timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}
