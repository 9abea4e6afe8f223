#!/usr/bin/env bash
# Patient/$evaluate latency (p50/p95/p99) and throughput with 1 and 4 clients, on the embedded default (H2) and
# on PostgreSQL, side by side in one run, for the demo patients and a patient with a long history.
# Usage: src/bench/evaluate.sh [background patients, default 500] [seconds per measurement, default 20]
# With BASELINE_JAR=path/to/an/earlier/server.jar, the same PostgreSQL measurements also run on that build, on a
# database of its own, in the same run: compare a change with what came before it.
set -euo pipefail
cd "$(dirname "$0")/../.."
background=${1:-500}
seconds=${2:-20}

./mvnw -q package -DskipTests
./mvnw -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
jar=$(ls target/rehab-fhir-server-*.jar | grep -v original | head -n 1)
classpath="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
work=$(mktemp -d)
port=18081
pg_port=15433

java -cp "$classpath" org.rehab.testsupport.StandalonePostgres "$pg_port" "$work/pg" > "$work/pg.log" 2>&1 &
pg_pid=$!
trap 'kill $pg_pid 2>/dev/null || true; rm -rf "$work"' EXIT
until grep -qs jdbc: "$work/pg.log"; do sleep 0.2; done

run() { # label, server jar, then environment assignments
    local label=$1 server_jar=$2; shift 2
    env "$@" java -Xmx1g -jar "$server_jar" --server.port=$port --rehab.security.enabled=false --logging.level.org.rehab.fhir.requests=WARN \
        > "$work/server-$label.log" 2>&1 &
    local pid=$!
    until curl -sf "localhost:$port/actuator/health/readiness" > /dev/null; do
        kill -0 $pid 2> /dev/null || { echo "server failed to start:"; tail -20 "$work/server-$label.log"; exit 1; }
        sleep 0.2
    done
    java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn org.rehab.bench.EvaluateBenchmark \
        "http://localhost:$port/fhir/north" "$label" "$background" "$seconds" 2>&1 | grep -E "^(H2|PostgreSQL)"
    kill $pid; wait $pid 2> /dev/null || true
}

echo "background: $background patients of 23 resources; $seconds s per measurement; $(nproc) cores"
run H2 "$jar" "SPRING_DATASOURCE_URL=jdbc:h2:file:$work/h2/rehab"
run PostgreSQL "$jar" "SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$pg_port/rehab" SPRING_DATASOURCE_USERNAME=postgres
if [ -n "${BASELINE_JAR:-}" ]; then
    java -cp "$classpath" org.rehab.testsupport.StandalonePostgres $((pg_port + 1)) "$work/pg-baseline" \
        > "$work/pg-baseline.log" 2>&1 &
    baseline_pg_pid=$!
    trap 'kill $pg_pid $baseline_pg_pid 2>/dev/null || true; rm -rf "$work"' EXIT
    until grep -qs jdbc: "$work/pg-baseline.log"; do sleep 0.2; done
    run PostgreSQL-baseline "$BASELINE_JAR" \
        "SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$((pg_port + 1))/rehab" SPRING_DATASOURCE_USERNAME=postgres
fi
