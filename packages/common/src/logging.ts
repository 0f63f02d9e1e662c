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

let stdout: DestinationStream | undefined;

/**
 * Standard output, as every logger of this process writes it: one synchronous destination, so
 * lines leave in the order they were made. pino's default, one asynchronous destination per
 * logger, let a line held back by a full pipe (EAGAIN, retried later) land after the lines its
 * exit flush wrote: a shutdown log read out of order on a loaded machine. When the reader falls
 * behind, the process waits for it instead of buffering without bound.
 */
export function stdoutLog(): DestinationStream {
  stdout ??= pino.destination({ dest: 1, sync: true });
  return stdout;
}

/** A logger for processes that are not HTTP servers (consumers, relays, scripts); standard output unless a test gives another destination. */
export function createLogger(service: string, level = 'info', destination: DestinationStream = stdoutLog()): Logger {
  return pino(loggerOptions(service, level), destination);
}

/** The caller's request id when it looks like one, else a new one; never trusts arbitrary header text. */
export function requestIdFrom(request: IncomingMessage): string {
  const header = request.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(header) ? header[0] : header;
  return candidate !== undefined && REQUEST_ID_PATTERN.test(candidate) ? candidate : randomUUID();
}

export type { Logger };
