import { spawnSync } from 'node:child_process';

/**
 * Runs an outbox relay in a child process that publishes one batch of `topic` events to
 * `topicArn` and is SIGKILLed before marking them sent. Resolves to the signal that ended it.
 */
export function killRelayAfterPublish(options: { databaseUrl: string; topic: string; topicArn: string }): NodeJS.Signals | null {
  const child = spawnSync(process.execPath, [new URL('./relay-then-die.ts', import.meta.url).pathname], {
    env: { ...process.env, DATABASE_URL: options.databaseUrl, TOPIC: options.topic, TOPIC_ARN: options.topicArn },
    encoding: 'utf8',
  });
  if (child.signal !== 'SIGKILL') throw new Error(`the relay child was meant to be killed but exited ${child.status}: ${child.stderr}`);
  return child.signal;
}
