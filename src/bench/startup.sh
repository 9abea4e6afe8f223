#!/usr/bin/env bash
# Start-up time and resident memory of the packaged server, on the embedded default (H2) and on PostgreSQL,
# side by side in one run: a first start on an empty database (schema created) and a restart.
# Usage: src/bench/startup.sh   (needs a JDK 17 and curl; builds the jar first)
set -euo pipefail
cd "$(dirname "$0")/../.."

. src/bench/lib.sh
build_server
port=18080
pg_port=15432
start_postgres $pg_port

millis() { echo $(( $(date +%s%N) / 1000000 )); }

measure() { # label, then environment assignments
    local label=$1; shift
    local started; started=$(millis)
    start_server "$work/server.log" $port env "$@" java -Xmx1g -jar "$jar"
    local ready=$(( $(millis) - started ))
    local before; before=$(millis)
    curl -sf "localhost:$port/fhir/north/metadata" > /dev/null
    local metadata=$(( $(millis) - before ))
    local rss; rss=$(awk '/VmRSS/ {print int($2 / 1024)}' /proc/$server_pid/status)
    printf '%-34s ready in %6d ms   first /metadata %5d ms   RSS %5d MiB\n' "$label" "$ready" "$metadata" "$rss"
    stop_server
}

h2="SPRING_DATASOURCE_URL=jdbc:h2:file:$work/h2/rehab"
pg="SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$pg_port/rehab SPRING_DATASOURCE_USERNAME=postgres"
measure "H2, empty database" $h2
measure "PostgreSQL, empty database" $pg
measure "H2, restart" $h2
measure "PostgreSQL, restart" $pg
