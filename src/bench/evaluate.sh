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

. src/bench/lib.sh
build_server
port=18081
pg_port=15433
start_postgres $pg_port

run() { # label, server jar, then environment assignments
    local label=$1 server_jar=$2; shift 2
    start_server "$work/server-$label.log" $port \
        env "$@" java -Xmx1g -jar "$server_jar" --logging.level.org.rehab.fhir.requests=WARN
    java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn org.rehab.bench.EvaluateBenchmark \
        "http://localhost:$port/fhir/north" "$label" "$background" "$seconds" 2>&1 | grep -E "^(H2|PostgreSQL)"
    stop_server
}

echo "background: $background patients of 23 resources; $seconds s per measurement; $(nproc) cores"
run H2 "$jar" "SPRING_DATASOURCE_URL=jdbc:h2:file:$work/h2/rehab"
run PostgreSQL "$jar" "SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$pg_port/rehab" SPRING_DATASOURCE_USERNAME=postgres
if [ -n "${BASELINE_JAR:-}" ]; then
    start_postgres $((pg_port + 1))
    run PostgreSQL-baseline "$BASELINE_JAR" \
        "SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$((pg_port + 1))/rehab" SPRING_DATASOURCE_USERNAME=postgres
fi
