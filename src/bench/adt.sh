#!/usr/bin/env bash
# Inbound ADT feed: how many messages a hospital's listener applies per second with 4 senders (4 MLLP
# connections, each waiting for its ACK as MLLP asks), on PostgreSQL: A04 registrations of new patients with a
# visit, then A08 updates of the same patients; each message's time from sending to its ACK.
# Usage: src/bench/adt.sh [messages per phase, default 2000]
set -euo pipefail
cd "$(dirname "$0")/../.."
messages=${1:-2000}

. src/bench/lib.sh
build_server
port=18083
adt_port=18575
pg_port=15435
start_postgres $pg_port
start_server "$work/server.log" $port \
    env SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$pg_port/rehab" SPRING_DATASOURCE_USERNAME=postgres \
    java -Xmx1g ${SERVER_JAVA_OPTS:-} -jar "$jar" --logging.level.org.rehab.fhir.requests=WARN \
    --logging.level.org.rehab.adt=WARN --rehab.adt.ports.north=$adt_port

echo "PostgreSQL; $messages messages per phase; $(nproc) cores; 4 senders"
java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn org.rehab.bench.AdtBenchmark \
    127.0.0.1 "$adt_port" "$messages"
