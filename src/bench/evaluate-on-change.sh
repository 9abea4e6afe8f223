#!/usr/bin/env bash
# What evaluation on change adds to an ingest: this server loads the same unmodified Synthea bundles twice, side by
# side in one run on the same embedded PostgreSQL (a database each), first as it is by default, then with
# rehab.recommendation.evaluate-on-change=true; the second time, the ingest lasts until the last patient queued by the
# load has been evaluated (the queue's length, read from the server's metrics, is back to 0). Prints both times,
# the share evaluation on change adds, and the patients' recommendations it wrote.
# Usage: src/bench/evaluate-on-change.sh [patients, default 20] [largest bundle in MB, default 6] [clients, default 4]
set -euo pipefail
cd "$(dirname "$0")/../.."
patients=${1:-20}
largest_mb=${2:-6}
clients=${3:-4}

. src/bench/lib.sh
build_server
corpus=$(src/bench/synthea.sh "$patients" 42)
pg_port=15441
start_postgres $pg_port plain onchange
port=18091

run() { # database, extra server options…
    local database=$1; shift
    start_server "$work/server-$database.log" $port \
        env SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$pg_port/$database SPRING_DATASOURCE_USERNAME=postgres \
        java -Xmx2g -jar "$jar" --logging.level.org.rehab.fhir.requests=WARN "$@"
    local start=$(date +%s.%N)
    java -Xmx2g -cp "$classpath" org.rehab.bench.IngestBenchmark "http://localhost:$port/fhir/north" "$database" \
        "$corpus" "$clients" $((largest_mb * 1024 * 1024)) >&2
    local loaded=$(date +%s.%N)
    until [ "$(curl -sf localhost:$port/actuator/prometheus | awk '/^rehab_evaluation_queue_length/ {print $2}')" \
        = "0.0" ]; do
        sleep 0.5
    done
    local drained=$(date +%s.%N)
    local recommendations=$(curl -sf "localhost:$port/fhir/north/ServiceRequest?_summary=count" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
    stop_server
    python3 -c "print(round($loaded - $start, 1), round($drained - $start, 1), $recommendations)"
}

echo "corpus: $corpus (bundles up to $largest_mb MB); $clients clients; $(nproc) cores"
read -r plain_load plain_total plain_recommendations <<< "$(run plain)"
read -r change_load change_total change_recommendations <<< \
    "$(run onchange --rehab.recommendation.evaluate-on-change=true)"
echo "by default:             loaded in $plain_load s; recommendations written: $plain_recommendations"
echo "with evaluation on change: loaded in $change_load s, every patient evaluated after $change_total s;" \
    "recommendations written: $change_recommendations"
echo "evaluation on change adds: $(python3 -c "print(round(100 * ($change_total / $plain_total - 1), 1))") % to the ingest time"
