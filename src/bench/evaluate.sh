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
#        BASELINE_JAR=… src/bench/evaluate.sh interleaved [seconds per turn, default 10] [rounds, default 6]: both
#        builds at once on PostgreSQL, measured in turns (ABBA) on unchanged records, 1 and 4 clients, with a pause
#        before each turn: the fairest comparison on a machine whose speed drifts. Prints the ratio over all turns
#        and the ratio of each block of four turns (their spread is the run's noise; BASELINE_JAR set to this
#        build's own jar measures the harness's). With PROFILE=1 each build records a JFR profile into
#        target/bench/interleaved-{this,baseline}.jfr.
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

if [ "${1:-}" = interleaved ]; then
    [ -n "${BASELINE_JAR:-}" ] || { echo "interleaved needs BASELINE_JAR"; exit 2; }
    start_postgres $pg_port rehab baseline
    profile() { [ -z "${PROFILE:-}" ] || echo "-XX:StartFlightRecording=filename=target/bench/interleaved-$1.jfr,settings=profile"; }
    mkdir -p target/bench
    start_server "$work/server.log" $port \
        env SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$pg_port/rehab SPRING_DATASOURCE_USERNAME=postgres \
        java -Xmx1g $(profile this) -jar "$jar" --logging.level.org.rehab.fhir.requests=WARN
    start_server "$work/baseline.log" $((port + 1)) \
        env SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$pg_port/baseline SPRING_DATASOURCE_USERNAME=postgres \
        java -Xmx1g $(profile baseline) -jar "$BASELINE_JAR" --logging.level.org.rehab.fhir.requests=WARN
    echo "PostgreSQL; both builds running; ${2:-10} s per turn, ${3:-6} rounds; $(nproc) cores"
    java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn org.rehab.bench.EvaluateBenchmark \
        interleaved "http://localhost:$port/fhir/north" "http://localhost:$((port + 1))/fhir/north" "${2:-10}" "${3:-6}"
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
    if baseline_at first; then on_$database $label-baseline "$BASELINE_JAR"; fi
    on_$database $label "$jar"
    if baseline_at last; then on_$database $label-baseline "$BASELINE_JAR"; fi
done
