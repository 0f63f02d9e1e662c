// Starts and stops the baseline servers (baseline-server.ts) as their own processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from '@chirp/testing/platform';

const script = fileURLToPath(new URL('./baseline-server.ts', import.meta.url));

export interface Baseline {
  helloUrl: string;
  proxyUrl: string;
  stop(): Promise<void>;
}

export async function startBaseline(): Promise<Baseline> {
  const helloPort = await freePort();
  const proxyPort = await freePort();
  const helloUrl = `http://127.0.0.1:${helloPort}`;
  const hello = await startServer(['hello', String(helloPort)]);
  const proxy = await startServer(['proxy', String(proxyPort), helloUrl]).catch(async (error: unknown) => {
    await stopServer(hello);
    throw error;
  });
  return {
    helloUrl,
    proxyUrl: `http://127.0.0.1:${proxyPort}`,
    stop: async () => {
      await Promise.all([stopServer(proxy), stopServer(hello)]);
    },
  };
}

async function startServer(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`baseline server ${args.join(' ')} exited with ${code} before it was ready`)));
  });
  await ready;
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
