# shellcheck shell=bash
# JVM flags for Cassandra 5.0 on JDK 17: what bin/cassandra would assemble
# from conf/jvm-server.options, conf/jvm17-server.options and
# conf/cassandra-env.sh, trimmed for a small single-node dev box.
#
# Sourced by start.sh. Expects these variables to be set:
#   CASSANDRA_LIB          directory holding the jars (copy-dependencies output)
#   CASSANDRA_YAML         rendered cassandra.yaml (absolute path)
#   CASSANDRA_LOGBACK      logback.xml (absolute path)
#   CASSANDRA_STORAGE_DIR  data root (data/, commitlog/, ...)
#   CASSANDRA_LOG_DIR      where system.log goes
#   CASSANDRA_JMX_PORT     local-only JMX port, or empty to disable JMX
# Defines the array CASSANDRA_JVM_FLAGS.

: "${CASSANDRA_LIB:?}" "${CASSANDRA_YAML:?}" "${CASSANDRA_LOGBACK:?}"
: "${CASSANDRA_STORAGE_DIR:?}" "${CASSANDRA_LOG_DIR:?}"

# Cassandra measures object sizes with the jamm agent; exactly one jamm jar
# must be on the path copy-dependencies produced (jamm-0.4.0.jar for 5.0.x).
_jamm_jars=("$CASSANDRA_LIB"/jamm-*.jar)
if [[ ${#_jamm_jars[@]} -ne 1 || ! -f ${_jamm_jars[0]} ]]; then
  echo "jvm-flags.sh: expected exactly one jamm-*.jar in $CASSANDRA_LIB, found: ${_jamm_jars[*]}" >&2
  return 1
fi

CASSANDRA_JVM_FLAGS=(
  # --- heap: kept small on purpose (the box also runs Postgres, Redis, ...) --
  -Xms256m
  -Xmx512m

  # --- jvm-server.options: GENERAL JVM SETTINGS ------------------------------
  -ea
  -da:net.openhft...
  -XX:+UseThreadPriorities
  -XX:+HeapDumpOnOutOfMemoryError
  "-XX:HeapDumpPath=$CASSANDRA_LOG_DIR"
  -Xss256k
  # -XX:+AlwaysPreTouch is left out: it faults in the whole heap at startup,
  # costing RSS and start time for nothing on a dev node.
  -XX:+UseTLAB
  -XX:+ResizeTLAB
  -XX:+UseNUMA
  -XX:+PerfDisableSharedMem
  -Djava.net.preferIPv4Stack=true

  # --- jvm17-server.options: G1 ------------------------------------------------
  -XX:+UseG1GC
  -XX:+ParallelRefProcEnabled
  -XX:MaxTenuringThreshold=1
  # -XX:G1HeapRegionSize=16m is left out: with a 512 MiB heap it would leave
  # only 32 regions; the JVM's own choice (1 MiB) suits a small heap.
  -XX:G1RSetUpdatingPauseTimePercent=5
  # Upstream's 300 ms. A 50 ms goal was tried (docs/performance.md): on two shared cores the
  # pauses stayed long (p90 131 ms, one of 2.6 s), so it was not kept.
  -XX:MaxGCPauseMillis=300
  -XX:InitiatingHeapOccupancyPercent=70
  # Every pause with its wall time, as jvm17-server.options logs it: the benchmark reads the
  # pauses of its runs from here (make bench: "GC pauses"), so a stall has a name.
  "-Xlog:gc=info,safepoint=off:file=$CASSANDRA_LOG_DIR/gc.log:time,uptime,tags:filecount=4,filesize=10M"

  # --- jvm17-server.options: JPMS ---------------------------------------------
  -Djdk.attach.allowAttachSelf=true
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
  --add-exports java.sql/java.sql=ALL-UNNAMED
  --add-exports java.base/java.lang.ref=ALL-UNNAMED
  --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
  --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
  --add-opens java.base/java.lang.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
  --add-opens java.base/jdk.internal.math=ALL-UNNAMED
  --add-opens java.base/jdk.internal.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED
  --add-opens java.base/java.nio=ALL-UNNAMED

  # --- jvm17-server.options: Netty --------------------------------------------
  -Dio.netty.tryReflectionSetAccessible=true
  -Dio.netty.allocator.useCacheForAllThreads=true
  -Dio.netty.allocator.maxOrder=11

  # --- cassandra-env.sh --------------------------------------------------------
  "-javaagent:${_jamm_jars[0]}"
  -XX:+ExitOnOutOfMemoryError

  # --- this setup --------------------------------------------------------------
  -Dcassandra-foreground=yes
  "-Dcassandra.config=file://$CASSANDRA_YAML"
  "-Dcassandra.storagedir=$CASSANDRA_STORAGE_DIR"
  "-Dcassandra.logdir=$CASSANDRA_LOG_DIR"
  "-Dlogback.configurationFile=file://$CASSANDRA_LOGBACK"
  "-Dcassandra.triggers_dir=$CASSANDRA_STORAGE_DIR/triggers"
  # Single node: nobody to gossip with, so don't wait for gossip to settle.
  -Dcassandra.skip_wait_for_gossip_to_settle=0
  -Dcassandra.ring_delay_ms=1000
  -Dcassandra.superuser_setup_delay_ms=0
)

if [[ -n ${CASSANDRA_JMX_PORT:-} ]]; then
  # Local JMX binds to the loopback interface only (what nodetool talks to).
  CASSANDRA_JVM_FLAGS+=(
    "-Dcassandra.jmx.local.port=$CASSANDRA_JMX_PORT"
    # Without this the RMI server object listens on a random extra port.
    "-Dcom.sun.management.jmxremote.rmi.port=$CASSANDRA_JMX_PORT"
    -Dcom.sun.management.jmxremote.authenticate=false
  )
fi

unset _jamm_jars
