import cassandra from 'cassandra-driver';

/** How often the driver tries a node it saw go down. The default (exponential from 1 s to 10 min) took 9 s after a 20 s outage. */
export const CASSANDRA_RECONNECT_DELAY_MS = 1000;

/**
 * The timeline's Cassandra client. LOCAL_QUORUM both ways: the re-checks after writing (deleted?
 * still following?) must see writes made by other processes. A node that went away is tried
 * again every second, so the service uses it about a second after it answers again.
 */
export function createCassandraClient(config: { contactPoints: readonly string[]; localDataCenter: string; keyspace?: string }): cassandra.Client {
  return new cassandra.Client({
    contactPoints: [...config.contactPoints],
    localDataCenter: config.localDataCenter,
    ...(config.keyspace ? { keyspace: config.keyspace } : {}),
    queryOptions: { consistency: cassandra.types.consistencies.localQuorum },
    policies: { reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(CASSANDRA_RECONNECT_DELAY_MS) },
  });
}
