// One suite for the live stream's pub/sub: the in-memory broker (unit) and Redis with two gateway
// replicas (integration) must behave alike. What the streams rely on: a listener hears its
// channel from the moment `listen` resolves until it stops, and only its channel.
import { randomUUID } from 'node:crypto';
import { eventually } from '@chirp/testing/eventually';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamBroker } from '../../src/use-cases/streaming-ports.ts';

/** Two gateway replicas on one pub/sub, and the publishing side as the timeline and notification services see it. */
export interface StreamBrokers {
  replicas: readonly [StreamBroker, StreamBroker];
  /** Publishes on `channel`; resolves once the message is sent (not heard). */
  publish(channel: string, text: string): Promise<void>;
  /** Whether any replica listens to `channel` (what a publisher asks before making a message). */
  listened(channel: string): Promise<boolean>;
  close(): Promise<void>;
}

export function streamBrokerContract(name: string, make: () => Promise<StreamBrokers>): void {
  describe(`StreamBroker contract: ${name}`, () => {
    let brokers: StreamBrokers;
    let channel: (who: string) => string;
    beforeEach(async () => {
      brokers = await make();
      const prefix = `contract:${randomUUID()}:`;
      channel = (who) => `${prefix}${who}`;
    });
    afterEach(async () => {
      await brokers.close();
    });

    /** A listener that keeps what it hears. */
    const anEar = () => {
      const heard: string[] = [];
      return { heard, hear: (text: string) => void heard.push(text) };
    };
    /**
     * Resolves once every message published before it has reached both replicas: a marker sent
     * after them on a channel each replica listens to arrives after them (one publisher, in order).
     */
    const settle = async () => {
      const marker = randomUUID();
      const ears = brokers.replicas.map(() => anEar());
      const stops = await Promise.all(brokers.replicas.map((replica, i) => replica.listen(channel(`settle-${i}`), ears[i]!.hear)));
      for (const i of ears.keys()) await brokers.publish(channel(`settle-${i}`), marker);
      await eventually(() => ears.every((ear) => ear.heard.includes(marker)), 'the marker on both replicas', 5000);
      await Promise.all(stops.map((stop) => stop()));
    };

    it('when listeners on two replicas listen to a user, then a publish reaches each of them once, and no listener of another user', async () => {
      const [a, b] = brokers.replicas;
      const [a1, a2, b1, other] = [anEar(), anEar(), anEar(), anEar()];
      await a.listen(channel('user:1'), a1.hear);
      await a.listen(channel('user:1'), a2.hear);
      await b.listen(channel('user:1'), b1.hear);
      await b.listen(channel('user:2'), other.hear);
      await brokers.publish(channel('user:1'), 'for 1');
      await brokers.publish(channel('user:3'), 'for 3, who nobody listens to');
      await settle();
      expect([a1.heard, a2.heard, b1.heard]).toEqual([['for 1'], ['for 1'], ['for 1']]);
      expect(other.heard).toEqual([]);
    });

    it('when a listener stops, then it hears nothing more while the others on its channel still do; with the last gone, nobody listens', async () => {
      const [a, b] = brokers.replicas;
      const [stopped, kept] = [anEar(), anEar()];
      const stopFirst = await a.listen(channel('user:1'), stopped.hear);
      const stopKept = await b.listen(channel('user:1'), kept.hear);
      await stopFirst();
      expect(await brokers.listened(channel('user:1'))).toBe(true);
      await brokers.publish(channel('user:1'), 'after the first stopped');
      await settle();
      expect([stopped.heard, kept.heard]).toEqual([[], ['after the first stopped']]);

      await stopKept();
      expect(await brokers.listened(channel('user:1'))).toBe(false);
      await brokers.publish(channel('user:1'), 'after both stopped');
      await settle();
      expect([stopped.heard, kept.heard]).toEqual([[], ['after the first stopped']]);
    });

    it('when one listener stops while another on the same replica keeps listening, then the other still hears its channel', async () => {
      const [a] = brokers.replicas;
      const [stopped, kept] = [anEar(), anEar()];
      const stop = await a.listen(channel('user:1'), stopped.hear);
      await a.listen(channel('user:1'), kept.hear);
      await stop();
      await brokers.publish(channel('user:1'), 'still here');
      await settle();
      expect([stopped.heard, kept.heard]).toEqual([[], ['still here']]);
    });

    it('when listen resolves, then a message published at once is heard, also by a second listener that joined while the channel was being subscribed', async () => {
      const [a] = brokers.replicas;
      const [first, second] = [anEar(), anEar()];
      const firstListening = a.listen(channel('user:1'), first.hear);
      await a.listen(channel('user:1'), second.hear);
      await brokers.publish(channel('user:1'), 'at once');
      await firstListening;
      await settle();
      expect([first.heard, second.heard]).toEqual([['at once'], ['at once']]);
    });

    it('when a channel is listened to again after its last listener stopped, then the new listener hears it', async () => {
      const [a] = brokers.replicas;
      const ear = anEar();
      const stop = await a.listen(channel('user:1'), () => undefined);
      await stop();
      await a.listen(channel('user:1'), ear.hear);
      await brokers.publish(channel('user:1'), 'back');
      await settle();
      expect(ear.heard).toEqual(['back']);
    });
  });
}
