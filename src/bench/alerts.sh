#!/usr/bin/env bash
# HL7 v2 alerts: time from an alert's creation (in the transaction of its ServiceRequest) to the interface
# engine's receipt while recommendations are being made, and the rate at which a backlog is delivered, on
# PostgreSQL, to an MLLP peer on loopback that accepts everything.
# Usage: src/bench/alerts.sh [patients per phase, default 1000]
set -euo pipefail
cd "$(dirname "$0")/../.."
patients=${1:-1000}

./mvnw -q package -DskipTests
./mvnw -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
jar=$(ls target/rehab-fhir-server-*.jar | grep -v original | head -n 1)
classpath="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
work=$(mktemp -d)
port=18082
pg_port=15434

java -cp "$classpath" org.rehab.testsupport.StandalonePostgres "$pg_port" "$work/pg" > "$work/pg.log" 2>&1 &
pg_pid=$!
trap 'kill $pg_pid 2>/dev/null || true; rm -rf "$work"' EXIT
until grep -qs jdbc: "$work/pg.log"; do sleep 0.2; done

SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$pg_port/rehab" SPRING_DATASOURCE_USERNAME=postgres \
    java -Xmx1g -jar "$jar" --server.port=$port --rehab.security.enabled=false --logging.level.org.rehab.fhir.requests=WARN \
    --logging.level.org.rehab.hl7=ERROR --rehab.hl7.retry-initial-delay=1s --rehab.hl7.retry-max-delay=2s \
    > "$work/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid $pg_pid 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -sf "localhost:$port/actuator/health/readiness" > /dev/null; do
    kill -0 $server_pid 2> /dev/null || { echo "server failed to start:"; tail -20 "$work/server.log"; exit 1; }
    sleep 0.2
done

echo "PostgreSQL; $patients alerts per phase; $(nproc) cores; 4 delivery workers (rehab.hl7.workers)"
java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn org.rehab.bench.AlertBenchmark \
    "http://localhost:$port/fhir/north" "$patients"
