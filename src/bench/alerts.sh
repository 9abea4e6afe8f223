#!/usr/bin/env bash
# HL7 v2 alerts: time from an alert's creation (in the transaction of its ServiceRequest) to the interface
# engine's receipt while recommendations are being made, and the rate at which a backlog is delivered, on
# PostgreSQL, to an MLLP peer on loopback that accepts everything.
# Usage: src/bench/alerts.sh [patients per phase, default 1000]
set -euo pipefail
cd "$(dirname "$0")/../.."
patients=${1:-1000}

. src/bench/lib.sh
build_server
port=18082
pg_port=15434
start_postgres $pg_port
start_server "$work/server.log" $port \
    env SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$pg_port/rehab" SPRING_DATASOURCE_USERNAME=postgres \
    java -Xmx1g ${SERVER_JAVA_OPTS:-} -jar "$jar" --logging.level.org.rehab.fhir.requests=WARN --logging.level.org.rehab.hl7=ERROR \
    --rehab.hl7.retry-initial-delay=1s --rehab.hl7.retry-max-delay=2s

echo "PostgreSQL; $patients alerts per phase; $(nproc) cores; 4 delivery workers (rehab.hl7.workers)"
java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn org.rehab.bench.AlertBenchmark \
    "http://localhost:$port/fhir/north" "$patients"
