#!/usr/bin/env bash
# Ingest speed and memory, side by side in one run: this server (validation, audit and tenants on) against the plain
# HAPI JPA starter of the same HAPI version, on the same embedded PostgreSQL (one database each), loading the same
# unmodified Synthea bundles with the same client (hospital and practitioner batches, then the patient bundles).
# Prints both rates, their ratio, and each server's resident memory after the load; then this server evaluates every
# loaded patient (Synthea $evaluate percentiles, as evaluate.sh synthea; EVALUATE_SECONDS per measurement, default
# 20) and its resident memory is measured again. Each server runs as its own documentation runs it: the starter with the JVM's defaults (its README gives no heap size), this server with the
# 2 GB heap that this README and the docker image give it (SERVER_HEAP overrides it).
# Usage: src/bench/ingest.sh [patients, default 20] [largest bundle in MB, default 20] [clients, default 4]
# STARTER_GIT: where to clone the starter from (default its public repository). PROFILE=1: record a JFR profile of
# this server's load into target/bench/ingest.jfr. BASELINE_JAR=path/to/an/earlier/server.jar: that build loads and
# evaluates the same bundles too, on a database of its own, in the same run, before this build (after it with
# BASELINE_LAST=1: on a shared machine, run both orders): compare a change with what came before.
set -euo pipefail
cd "$(dirname "$0")/../.."
patients=${1:-20}
largest_mb=${2:-20}
clients=${3:-4}
heap=-Xmx${SERVER_HEAP:-2g}

. src/bench/lib.sh
build_server
corpus=$(src/bench/synthea.sh "$patients" 42)

build_starter

pg_port=15440
start_postgres $pg_port rehab starter baseline
port=18090

ingest() { # label, FHIR base
    java -Xmx2g -cp "$classpath" org.rehab.bench.IngestBenchmark "$2" "$1" "$corpus" "$clients" \
        $((largest_mb * 1024 * 1024))
}

echo "corpus: $corpus ($(ls "$corpus" | wc -l) bundles, those up to $largest_mb MB loaded); $clients clients;" \
    "$(nproc) cores; this server $heap"

start_starter $port $pg_port starter
starter_line=$(ingest starter "http://localhost:$port/fhir")
starter_rss=$(resident_memory $server_pid)
stop_server

profile=()
if [ -n "${PROFILE:-}" ]; then
    profile=(-XX:StartFlightRecording=filename=target/bench/ingest.jfr,settings=profile -XX:FlightRecorderOptions:stackdepth=512)
fi
# load_and_evaluate LABEL JAR DATABASE [JVM OPTIONS…]: loads the corpus into that build, then evaluates every loaded
# patient (first evaluation with writes, then unchanged: what the starter cannot do); sets line, load_rss,
# evaluations and rss.
load_and_evaluate() {
    local label=$1 server_jar=$2 database=$3; shift 3
    start_server "$work/server-$database.log" $port \
        env SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$pg_port/$database SPRING_DATASOURCE_USERNAME=postgres \
        java $heap "$@" -jar "$server_jar" --logging.level.org.rehab.fhir.requests=WARN
    line=$(ingest "$label" "http://localhost:$port/fhir/north")
    load_rss=$(resident_memory $server_pid)
    evaluations=$(java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        org.rehab.bench.EvaluateBenchmark "http://localhost:$port/fhir/north" "$label" synthea "${EVALUATE_SECONDS:-20}")
    rss=$(resident_memory $server_pid)
    stop_server
}

load_baseline() {
    load_and_evaluate "baseline" "$BASELINE_JAR" baseline
    baseline_line=$line baseline_load_rss=$load_rss baseline_evaluations=$evaluations baseline_rss=$rss
}
if baseline_at first; then load_baseline; fi
load_and_evaluate "this server" "$jar" rehab "${profile[@]}"
server_line=$line server_load_rss=$load_rss server_evaluations=$evaluations server_rss=$rss
if baseline_at last; then load_baseline; fi

echo "$starter_line"
echo "$server_line"
rate() { sed -E 's/.*: ([0-9.]+) resources\/s.*/\1/' <<< "$1"; }
echo "ratio (this server / starter): $(python3 -c "print(round($(rate "$server_line") / $(rate "$starter_line"), 2))")"
echo "resident memory after the load: starter $starter_rss MB, this server $server_load_rss MB"
echo "$server_evaluations"
echo "resident memory of this server after the load and the evaluations: $server_rss MB"
if [ -n "${BASELINE_JAR:-}" ]; then
    echo "$baseline_line"
    echo "ratio (this server / baseline): $(python3 -c "print(round($(rate "$server_line") / $(rate "$baseline_line"), 2))")"
    echo "resident memory of the baseline after the load: $baseline_load_rss MB"
    echo "$baseline_evaluations"
    echo "resident memory of the baseline after the load and the evaluations: $baseline_rss MB"
fi
