#!/usr/bin/env bash
# Issue 13's three speed figures in one run, on the Synthea corpus and embedded PostgreSQL (a database each):
# 1. this server loads the unmodified bundles (as ingest.sh does) as it is by default, timed; then it evaluates the
#    whole hospital twice with POST Patient/$evaluate (Prefer: respond-async), each run timed from the request to
#    the status URL's 200: the first pass writes every recommendation (and its HL7 alert record), the second finds
#    the population unchanged. The server is warmed up first (the demo patients of tenant south evaluated twice)
#    and the load's audit trail stored, so that neither competes with the passes for the cores.
# 2. a fresh server loads the same bundles with rehab.recommendation.evaluate-on-change=true, timed until the last
#    queued patient is evaluated: what evaluation on change adds to the ingest.
# Each pass gives two rates: over its whole run (request to report, job start and end included) and while it runs
# (from the first patient done to the last, read from X-Progress): the second is what a large hospital sees.
# PROFILE=1: record a JFR profile of both passes into target/bench/population.jfr.
# Usage: src/bench/population.sh [patients, default 20] [largest bundle in MB, default 20] [clients, default 4]
#        [years of history, default Synthea's 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
patients=${1:-20}
largest_mb=${2:-20}
clients=${3:-4}
years=${4:-10}

. src/bench/lib.sh
build_server
corpus=$(src/bench/synthea.sh "$patients" 42 "$years")
pg_port=15442
start_postgres $pg_port population onchange
port=18092

serve() { # database, extra server options…
    local database=$1; shift
    start_server "$work/server-$database.log" $port \
        env SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$pg_port/$database SPRING_DATASOURCE_USERNAME=postgres \
        java -Xmx2g -jar "$jar" --logging.level.org.rehab.fhir.requests=WARN "$@"
}

ingest() { # database; prints the seconds the load took
    local start=$(date +%s.%N)
    java -Xmx2g -cp "$classpath" org.rehab.bench.IngestBenchmark "http://localhost:$port/fhir/north" "$1" \
        "$corpus" "$clients" $((largest_mb * 1024 * 1024)) >&2
    python3 -c "print(round($(date +%s.%N) - $start, 1))"
}

serve population
plain_load=$(ingest population)

evaluate_population() { # tenant; prints: seconds, patients, recommendations created, already active, running rate
    python3 - "localhost:$port/fhir/$1" "$work/report.json" <<'PY'
import json, re, sys, time, urllib.request
base, report_file = sys.argv[1], sys.argv[2]
start = time.time()
started = urllib.request.urlopen(urllib.request.Request(
    "http://" + base + "/Patient/$evaluate", method="POST", headers={"Prefer": "respond-async"}))
status = started.headers["Content-Location"]
first = None  # (time, patients done) when the first patients were done
while True:
    answer = urllib.request.urlopen(status)
    now = time.time()
    if answer.status == 200:
        report = json.load(answer)
        break
    progress = re.match(r"(\d+) of (\d+)", answer.headers.get("X-Progress", ""))
    if first is None and progress and int(progress.group(1)) > 0:
        first = (now, int(progress.group(1)))
    time.sleep(0.1)
json.dump(report, open(report_file, "w"))
value = {p["name"]: p for p in report["parameter"]}
def count(status):
    return sum(part.get("valueInteger", 0) for p in report["parameter"] if p["name"] == "recommendation"
               for part in p["part"] if part["name"] == status)
evaluated = value["evaluated"]["valueInteger"]
running = "n/a" if first is None or now <= first[0] else round((evaluated - first[1]) / (now - first[0]), 1)
print(round(now - start, 2), evaluated, count("created"), count("already-active"), running)
PY
}

# A server that has been running: the evaluation path warmed up on the demo patients of the other tenant, and the
# audit trail of the load stored (its writer would otherwise compete with the evaluations for the cores).
java -cp "$classpath" org.rehab.demo.LoadDemoData "http://localhost:$port/fhir/south" > /dev/null
evaluate_population south > /dev/null
evaluate_population south > /dev/null
audit_events() {
    curl -sf "localhost:$port/fhir/north/AuditEvent?_summary=count" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'
}
previous=-100
current=$(audit_events)
until [ $((current - previous)) -le 5 ]; do # the count itself is audited: a handful of events per look
    previous=$current; sleep 3; current=$(audit_events)
done

if [ "${PROFILE:-}" = 1 ]; then
    mkdir -p target/bench
    jcmd $server_pid JFR.start name=population settings=profile \
        filename="$PWD/target/bench/population.jfr" > /dev/null
fi
echo "corpus: $corpus (bundles up to $largest_mb MB); $(nproc) cores; PostgreSQL"
read -r first_seconds first_patients first_created first_active first_running <<< "$(evaluate_population north)"
read -r again_seconds again_patients again_created again_active again_running <<< "$(evaluate_population north)"
if [ "${PROFILE:-}" = 1 ]; then jcmd $server_pid JFR.stop name=population > /dev/null; fi
stop_server

serve onchange --rehab.recommendation.evaluate-on-change=true
start=$(date +%s.%N)
ingest onchange > /dev/null
until [ "$(curl -sf localhost:$port/actuator/prometheus | awk '/^rehab_evaluation_queue_length/ {print $2}')" \
    = "0.0" ]; do
    sleep 0.5
done
change_total=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")
stop_server
rate() { python3 -c "print(round($1 / $2, 1))"; }
echo "first pass:      $first_patients patients in $first_seconds s = $(rate "$first_patients" "$first_seconds")" \
    "patients/s ($first_running patients/s while running); recommendations created: $first_created," \
    "already active: $first_active"
echo "unchanged again: $again_patients patients in $again_seconds s = $(rate "$again_patients" "$again_seconds")" \
    "patients/s ($again_running patients/s while running); recommendations created: $again_created," \
    "already active: $again_active"
echo "evaluation on change: the load took $plain_load s by default, $change_total s until every patient was" \
    "evaluated with evaluation on change: +$(python3 -c "print(round(100 * ($change_total / $plain_load - 1), 1))") %"
