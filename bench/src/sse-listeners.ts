// Many Server-Sent Event streams from one process, cheaply: raw node:http, one socket each, no
// per-stream parsing except on the streams being observed (the others are only drained, so the
// gateway never sees a slow reader). Used by `make bench-streaming` to hold 10,000 at once.
import { Agent, type ClientRequest, request } from 'node:http';
import { progressBar } from './progress.ts';

export interface StreamEvent {
  event: string;
  data: string;
  /** Date.now() when the event's last byte was read. */
  receivedAt: number;
}

export interface SseListeners {
  /** Streams answered 200 and still open. */
  readonly open: number;
  /** Streams that ended (or failed) after opening, while they were meant to stay open. */
  readonly ended: number;
  /** Bytes read over every stream (heartbeats included). */
  readonly bytes: number;
  /** Ends every stream; resolves once each socket is destroyed. */
  close(): Promise<void>;
}

export interface ListenerOptions {
  origin: string;
  /** One stream per token, in order. */
  tokens: readonly string[];
  /** Streams opening at once (each costs the gateway a token check and a timeline call). */
  concurrency: number;
  /** Which streams are parsed; each of their events goes to `onEvent`. */
  observed: (index: number) => boolean;
  onEvent: (index: number, event: StreamEvent) => void;
  quiet?: boolean;
  /** Per stream: how long its answer may take to start. */
  timeoutMs?: number;
}

/** Opens every stream (throws with the first failure's status and body); resolves once all are open. */
export async function openSseListeners(options: ListenerOptions): Promise<SseListeners> {
  const url = new URL('/v1/streaming', options.origin);
  // No keep-alive pool to speak of: each stream is its own socket for its whole life.
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const requests: ClientRequest[] = [];
  let open = 0;
  let ended = 0;
  let bytes = 0;
  let closing = false;

  const openOne = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(url, { agent, headers: { authorization: `Bearer ${options.tokens[index]}`, accept: 'text/event-stream' }, timeout: options.timeoutMs ?? 60_000 });
      requests.push(req);
      let answered = false;
      req.once('timeout', () => req.destroy(new Error(`stream ${index}: no answer within ${options.timeoutMs ?? 60_000} ms`)));
      req.once('error', (error) => {
        if (closing) return;
        // After opening, a failure is counted as an ended stream, not thrown.
        if (answered) return;
        reject(error);
      });
      req.once('response', (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.once('end', () => reject(new Error(`stream ${index}: ${res.statusCode} ${body.slice(0, 300)}`)));
          return;
        }
        answered = true;
        req.setTimeout(0);
        open += 1;
        const onEnd = () => {
          open -= 1;
          if (!closing) ended += 1;
        };
        res.once('close', onEnd);
        if (options.observed(index)) {
          res.setEncoding('utf8');
          let buffer = '';
          res.on('data', (chunk: string) => {
            bytes += chunk.length;
            buffer += chunk;
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const event = parseBlock(block);
              if (event) options.onEvent(index, { ...event, receivedAt: Date.now() });
            }
          });
        } else {
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        }
        resolve();
      });
      req.end();
    });

  const bar = progressBar('streams', options.tokens.length, process.stderr, options.quiet);
  let next = 0;
  const worker = async () => {
    while (next < options.tokens.length) {
      await openOne(next++);
      bar.tick();
    }
  };
  const close = async () => {
    closing = true;
    for (const req of requests) req.destroy();
    agent.destroy();
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, options.tokens.length) }, worker));
  } catch (error) {
    await close();
    throw error;
  }
  bar.done();
  return {
    get open() {
      return open;
    },
    get ended() {
      return ended;
    },
    get bytes() {
      return bytes;
    },
    close,
  };
}

/** One SSE block's event name and data; undefined for comments (heartbeats) and the retry line. */
export function parseBlock(block: string): { event: string; data: string } | undefined {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  return event === undefined ? undefined : { event, data: data.join('\n') };
}
