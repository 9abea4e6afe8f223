# Shared by the benchmark scripts (source it from the repository root): builds the server and the test
# classpath, starts PostgreSQL and servers, and stops them (and deletes the work directory) on exit.
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2> /dev/null || true; wait 2> /dev/null || true; rm -rf "$work"' EXIT

# Packages the server ($jar) and writes the test classpath ($classpath) the benchmark clients run on.
build_server() {
    ./mvnw -q package -DskipTests
    ./mvnw -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
    jar=$(ls target/rehab-fhir-server-*.jar | grep -v original | head -n 1)
    classpath="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
}

# start_postgres PORT [DATABASE…]: an embedded PostgreSQL on loopback with empty databases (default "rehab").
start_postgres() {
    java -cp "$classpath" org.rehab.testsupport.StandalonePostgres "$1" "$work/pg-$1" "${@:2}" > "$work/pg-$1.log" 2>&1 &
    pids+=($!)
    until grep -qs jdbc: "$work/pg-$1.log"; do sleep 0.2; done
}

# start_server LOG PORT COMMAND…: runs the server command (env assignments, java, -jar, options) in the
# background on PORT with security off ($server_pid). Returns once it is ready, or exits with the log's tail.
start_server() {
    local log=$1 port=$2; shift 2
    "$@" --server.port="$port" --rehab.security.enabled=false > "$log" 2>&1 &
    server_pid=$!
    pids+=($server_pid)
    wait_ready "localhost:$port/actuator/health/readiness" "$log"
}

# wait_ready URL LOG: waits until URL answers, or exits with the log's tail if the server ($server_pid) stopped.
wait_ready() {
    until curl -sf "$1" > /dev/null; do
        kill -0 $server_pid 2> /dev/null || { echo "server failed to start:"; tail -20 "$2"; exit 1; }
        sleep 0.2
    done
}

# stop_server: stops the server start_server started last.
stop_server() {
    kill $server_pid; wait $server_pid 2> /dev/null || true
}

# resident_memory PID: the process's resident set size, in MB.
resident_memory() {
    echo $(( $(awk '/^VmRSS/ {print $2}' "/proc/$1/status") / 1024 ))
}
