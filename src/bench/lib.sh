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
    postgres_pid=$!
    pids+=($postgres_pid)
    until grep -qs jdbc: "$work/pg-$1.log"; do sleep 0.2; done
}

# stop_postgres: stops the PostgreSQL start_postgres started last.
stop_postgres() {
    kill $postgres_pid; wait $postgres_pid 2> /dev/null || true
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

# baseline_at first|last: whether BASELINE_JAR runs at that place: first, unless BASELINE_LAST=1 puts it after this
# build (on a shared machine, run both orders and compare).
baseline_at() {
    [ -n "${BASELINE_JAR:-}" ] || return 1
    if [ -n "${BASELINE_LAST:-}" ]; then [ "$1" = last ]; else [ "$1" = first ]; fi
}

# stop_server: stops the server start_server started last.
stop_server() {
    kill $server_pid; wait $server_pid 2> /dev/null || true
}

# resident_memory PID: the process's resident set size, in MB.
resident_memory() {
    echo $(( $(awk '/^VmRSS/ {print $2}' "/proc/$1/status") / 1024 ))
}

# build_starter: the plain HAPI JPA starter of the same HAPI version ($starter_war), built once into target/bench.
# STARTER_GIT: where to clone it from (default its public repository).
build_starter() {
    local starter=target/bench/starter
    starter_war=$starter/target/ROOT.war
    if [ ! -f "$starter_war" ]; then
        # The starter's tests are not needed (and some of their files are missing from mirrors): its main code only.
        rm -rf "$starter" "$work/starter-git"
        git clone -q --bare "${STARTER_GIT:-https://github.com/hapifhir/hapi-fhir-jpaserver-starter.git}" \
            "$work/starter-git"
        mkdir -p "$starter"
        git -C "$work/starter-git" archive image/v8.8.0-1 pom.xml src/main 2> /dev/null | tar -x -C "$starter" || true
        (cd "$starter" && mvn -q -B -Dmaven.test.skip=true -Pboot package)
    fi
}

# start_starter PORT PGPORT DATABASE: the starter on that PostgreSQL database, as its README runs it ($server_pid);
# its FHIR base is http://localhost:PORT/fhir.
start_starter() {
    java -jar "$starter_war" --server.port="$1" \
        --spring.datasource.url="jdbc:postgresql://127.0.0.1:$2/$3" --spring.datasource.username=postgres \
        --spring.datasource.password= --spring.datasource.driverClassName=org.postgresql.Driver \
        --spring.jpa.properties.hibernate.dialect=ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect \
        --hapi.fhir.cr.enabled=false > "$work/starter.log" 2>&1 &
    server_pid=$!
    pids+=($server_pid)
    wait_ready "localhost:$1/fhir/metadata" "$work/starter.log"
}
