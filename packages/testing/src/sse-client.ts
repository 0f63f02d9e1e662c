// A Server-Sent Events client for tests of the gateway's stream: each block as it arrives, parsed.

/** One SSE block: its fields, and its last comment line (without the colon). */
export interface SseBlock {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

export interface EventStream {
  response: Response;
  /** The blocks so far, in order; the array grows as they arrive. */
  blocks: SseBlock[];
  /** When each block arrived (Date.now()), by its index in `blocks`. */
  arrivedAt: number[];
  ended(): boolean;
  close(): void;
}

/** Opens `url`; when the answer is 2xx with a body, reads its blocks until the server ends it or `close()`. */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const blocks: SseBlock[] = [];
  const arrivedAt: number[] = [];
  let ended = false;
  if (response.ok && response.body) {
    const body = response.body;
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of body) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block: SseBlock = {};
            for (const line of buffer.slice(0, end).split('\n')) {
              if (line.startsWith(':')) block.comment = line.slice(1).trim();
              else if (line.startsWith('event: ')) block.event = line.slice(7);
              else if (line.startsWith('id: ')) block.id = line.slice(4);
              else if (line.startsWith('data: ')) block.data = line.slice(6);
            }
            buffer = buffer.slice(end + 2);
            blocks.push(block);
            arrivedAt.push(Date.now());
          }
        }
      } catch (error) {
        // The test aborts the request to close the stream; anything else fails it.
        if (!controller.signal.aborted) throw error;
      }
      ended = true;
    })();
  }
  return { response, blocks, arrivedAt, ended: () => ended, close: () => controller.abort() };
}
