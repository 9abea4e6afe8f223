#!/usr/bin/env bash
# Real sizes: loads the Synthea patient bundles between two sizes (default 40–128 MB: long lives) one at a time
# into this server on PostgreSQL, with the heap the README and the docker image give it, and prints the time, the
# entries stored and the resident memory after each load.
# Usage: src/bench/large-bundle.sh [smallest MB, default 40] [largest MB, default 128] [heap, default 2g]
set -euo pipefail
cd "$(dirname "$0")/../.."
smallest_mb=${1:-40}
largest_mb=${2:-128}
heap=${3:-2g}

. src/bench/lib.sh
build_server
corpus=$(src/bench/synthea.sh 20 42)
pg_port=15450
start_postgres $pg_port
port=18095
start_server "$work/server.log" $port \
    env SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$pg_port/rehab SPRING_DATASOURCE_USERNAME=postgres \
    java -Xmx$heap -jar "$jar" --logging.level.org.rehab.fhir.requests=WARN
echo "heap -Xmx$heap; bundles of $smallest_mb–$largest_mb MB:"
ls -l "$corpus" | awk -v lo=$((smallest_mb * 1048576)) -v hi=$((largest_mb * 1048576)) \
    '$5 >= lo && $5 <= hi {printf "  %.1f MB\n", $5 / 1048576}'
java -Xmx2g -cp "$classpath" org.rehab.bench.IngestBenchmark "http://localhost:$port/fhir/north" "this server" \
    "$corpus" 1 $((largest_mb * 1048576)) $((smallest_mb * 1048576))
echo "resident memory after the load: $(resident_memory $server_pid) MB"
grep -c OutOfMemoryError "$work/server.log" | sed 's/^/OutOfMemoryError in the server log: /' || true
stop_server
