import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** pino options every process uses: JSON on stdout, service name and ISO time on every line. */
export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken'], censor: '[redacted]' },
  };
}

// Credentials a client may put in a URL: the stream's `access_token` (browsers' EventSource cannot send headers).
const SECRET_QUERY = /([?&]access_token=)[^&#]*/gi;

/** The URL as it may be logged: credentials in its query are replaced by `[redacted]`. */
export function redactedUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/** How often a buffered log is written out even when its buffer is not full, so a quiet service's lines still show. */
const LOG_FLUSH_MS = 1000;
const buffered = new Map<number, DestinationStream>();

/**
 * Standard output as the process's loggers write it. With `bufferBytes` > 0, lines are gathered
 * and written once that many bytes are waiting, or every second: one write(2) for many lines
 * instead of one per line, a measurable share of each request's CPU at `info`. Every logger of
 * the process gets the same buffer, so their lines never split each other; at exit (a crash
 * included) the buffer is written synchronously. A SIGKILL loses at most the last second.
 * 0 writes each line at once.
 */
export function stdoutDestination(bufferBytes: number): DestinationStream {
  const fd = process.stdout.fd ?? 1;
  if (bufferBytes <= 0) return pino.destination({ dest: fd, sync: true });
  let destination = buffered.get(fd);
  if (!destination) {
    const stream = pino.destination({ dest: fd, sync: false, minLength: bufferBytes });
    setInterval(() => stream.flush(), LOG_FLUSH_MS).unref();
    destination = stream;
    buffered.set(fd, destination);
  }
  return destination;
}

/** A logger for processes that are not HTTP servers (consumers, relays, scripts); `bufferBytes` as in `stdoutDestination`. */
export function createLogger(service: string, level = 'info', bufferBytes = 0): Logger {
  return pino(loggerOptions(service, level), stdoutDestination(bufferBytes));
}

/** The caller's request id when it looks like one, else a new one; never trusts arbitrary header text. */
export function requestIdFrom(request: IncomingMessage): string {
  const header = request.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(header) ? header[0] : header;
  return candidate !== undefined && REQUEST_ID_PATTERN.test(candidate) ? candidate : randomUUID();
}

export type { Logger };
