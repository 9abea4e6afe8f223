#!/usr/bin/env bash
# Start-up time and resident memory of the packaged server, on the embedded default (H2) and on PostgreSQL,
# side by side in one run: a first start on an empty database (schema created) and a restart.
# Usage: src/bench/startup.sh   (needs a JDK 17 and curl; builds the jar first)
set -euo pipefail
cd "$(dirname "$0")/../.."

./mvnw -q package -DskipTests
./mvnw -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
jar=$(ls target/rehab-fhir-server-*.jar | grep -v original | head -n 1)
work=$(mktemp -d)
port=18080
pg_port=15432

java -cp "target/test-classes:$(cat target/bench-classpath.txt)" org.rehab.testsupport.StandalonePostgres \
    "$pg_port" "$work/pg" > "$work/pg.log" 2>&1 &
pg_pid=$!
trap 'kill $pg_pid 2>/dev/null || true; rm -rf "$work"' EXIT
until grep -qs jdbc: "$work/pg.log"; do sleep 0.2; done

millis() { echo $(( $(date +%s%N) / 1000000 )); }

measure() { # label, then environment assignments
    local label=$1; shift
    local started; started=$(millis)
    env "$@" java -Xmx1g -jar "$jar" --server.port=$port --rehab.security.enabled=false > "$work/server.log" 2>&1 &
    local pid=$!
    until curl -sf "localhost:$port/actuator/health/readiness" > /dev/null; do
        kill -0 $pid 2> /dev/null || { echo "server failed to start:"; tail -20 "$work/server.log"; exit 1; }
        sleep 0.1
    done
    local ready=$(( $(millis) - started ))
    local before; before=$(millis)
    curl -sf "localhost:$port/fhir/north/metadata" > /dev/null
    local metadata=$(( $(millis) - before ))
    local rss; rss=$(awk '/VmRSS/ {print int($2 / 1024)}' /proc/$pid/status)
    printf '%-34s ready in %6d ms   first /metadata %5d ms   RSS %5d MiB\n' "$label" "$ready" "$metadata" "$rss"
    kill $pid; wait $pid 2> /dev/null || true
}

h2="SPRING_DATASOURCE_URL=jdbc:h2:file:$work/h2/rehab"
pg="SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$pg_port/rehab SPRING_DATASOURCE_USERNAME=postgres"
measure "H2, empty database" $h2
measure "PostgreSQL, empty database" $pg
measure "H2, restart" $h2
measure "PostgreSQL, restart" $pg
