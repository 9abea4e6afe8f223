#!/usr/bin/env bash
# Patient/$evaluate latency (p50/p95/p99) and throughput with 1 and 4 clients, on the embedded default (H2) and
# on PostgreSQL, side by side in one run, for the demo patients and a patient with a long history.
# Usage: src/bench/evaluate.sh [background patients, default 500] [seconds per measurement, default 20]
#        src/bench/evaluate.sh synthea [largest bundle in MB, default 5] [seconds, default 20]: real records instead,
#        a Synthea population (src/bench/synthea.sh 20 42) loaded on PostgreSQL, 4 clients; then resident memory.
#        PROFILE=1: record a JFR profile of the evaluations (not of the load) into target/bench/evaluate.jfr.
# With BASELINE_JAR=path/to/an/earlier/server.jar, the same measurements also run on that build, in the same run, on
# each database just before this build, each on a database of its own: compare a change with what came before it.
# The order favours neither build: on a shared machine, run it again with BASELINE_LAST=1 and compare both runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
. src/bench/lib.sh
build_server
port=18081
pg_port=15433

if [ "${1:-}" = synthea ]; then
    largest_mb=${2:-5}
    seconds=${3:-20}
    corpus=$(src/bench/synthea.sh 20 42)
    start_postgres $pg_port
    start_server "$work/server.log" $port \
        env SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$pg_port/rehab SPRING_DATASOURCE_USERNAME=postgres \
        java -Xmx2g -XX:FlightRecorderOptions:stackdepth=512 -jar "$jar" --logging.level.org.rehab.fhir.requests=WARN
    java -cp "$classpath" org.rehab.bench.IngestBenchmark "http://localhost:$port/fhir/north" loaded "$corpus" 4 \
        $((largest_mb * 1048576))
    if [ -n "${PROFILE:-}" ]; then
        jcmd $server_pid JFR.start settings=profile filename="$PWD/target/bench/evaluate.jfr" > /dev/null
    fi
    java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn org.rehab.bench.EvaluateBenchmark \
        "http://localhost:$port/fhir/north" PostgreSQL synthea "$seconds"
    echo "resident memory after loading and evaluating: $(resident_memory $server_pid) MB"
    exit 0
fi

background=${1:-500}
seconds=${2:-20}

run() { # label, server jar, then environment assignments
    local label=$1 server_jar=$2; shift 2
    start_server "$work/server-$label.log" $port \
        env "$@" java -Xmx1g -jar "$server_jar" --logging.level.org.rehab.fhir.requests=WARN
    java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn org.rehab.bench.EvaluateBenchmark \
        "http://localhost:$port/fhir/north" "$label" "$background" "$seconds" 2>&1 | grep -E "^(H2|PostgreSQL)"
    stop_server
}

echo "background: $background patients of 23 resources; $seconds s per measurement; $(nproc) cores"
on_h2() { # label, server jar
    run "$1" "$2" "SPRING_DATASOURCE_URL=jdbc:h2:file:$work/h2-$1/rehab"
}
on_postgres() { # label, server jar: on a PostgreSQL of its own, stopped afterwards
    local pg=$((pg_port + ${#pids[@]}))
    start_postgres $pg
    run "$1" "$2" "SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$pg/rehab" SPRING_DATASOURCE_USERNAME=postgres
    stop_postgres
}
for database in h2 postgres; do
    label=$([ $database = h2 ] && echo H2 || echo PostgreSQL)
    if [ -n "${BASELINE_JAR:-}" ] && [ -z "${BASELINE_LAST:-}" ]; then on_$database $label-baseline "$BASELINE_JAR"; fi
    on_$database $label "$jar"
    if [ -n "${BASELINE_JAR:-}" ] && [ -n "${BASELINE_LAST:-}" ]; then on_$database $label-baseline "$BASELINE_JAR"; fi
done
