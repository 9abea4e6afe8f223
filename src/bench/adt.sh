#!/usr/bin/env bash
# Inbound ADT feed: how many messages a hospital's listener applies per second with 4 senders (4 MLLP
# connections, each waiting for its ACK as MLLP asks), on PostgreSQL: A04 registrations of new patients with a
# visit, then A08 updates of the same patients; each message's time from sending to its ACK. Side by side in the
# same run, on the same PostgreSQL: the plain HAPI JPA starter of the same HAPI version, sent what an interface
# engine would send it for the same messages (FHIR transactions of conditional updates by identifier).
# Usage: src/bench/adt.sh [messages per phase, default 2000]
set -euo pipefail
cd "$(dirname "$0")/../.."
messages=${1:-2000}

. src/bench/lib.sh
build_server
build_starter
port=18083
adt_port=18575
pg_port=15435
start_postgres $pg_port rehab starter
bench() { java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn org.rehab.bench.AdtBenchmark "$@"; }

start_starter $port $pg_port starter
starter_lines=$(bench fhir "http://localhost:$port/fhir" "$messages")
stop_server

start_server "$work/server.log" $port \
    env SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$pg_port/rehab" SPRING_DATASOURCE_USERNAME=postgres \
    java -Xmx1g ${SERVER_JAVA_OPTS:-} -jar "$jar" --logging.level.org.rehab.fhir.requests=WARN \
    --logging.level.org.rehab.adt=WARN --rehab.adt.ports.north=$adt_port
server_lines=$(bench mllp 127.0.0.1 "$adt_port" "$messages")
stop_server

echo "PostgreSQL; $messages messages per phase; $(nproc) cores; 4 senders each waiting for its answer"
echo "plain HAPI starter, the FHIR transactions an interface engine would send it:"
echo "$starter_lines"
echo "this server, HL7 v2 ADT over MLLP:"
echo "$server_lines"
rate() { sed -n "$1p" <<< "$2" | sed -E 's/.* = ([0-9.]+) messages\/s.*/\1/'; }
for phase in 1 2; do
    echo "ratio (this server / starter), phase $phase:" \
        "$(python3 -c "print(round($(rate $phase "$server_lines") / $(rate $phase "$starter_lines"), 2))")"
done
