#!/usr/bin/env bash
# A black-box web vulnerability scan of the FHIR API with Debian's wapiti (apt-get install wapiti): the server in
# local mode on an embedded database, with the demo patients, on loopback. Wapiti injects its payloads (SQL,
# command and template injection, XSS, file disclosure, XXE, CRLF, SSRF, open redirect...) into every query
# parameter of the start URLs and into the bodies it can send, and prints what it found; the report (HTML)
# stays in target/wapiti. Usage: src/bench/scan.sh [extra wapiti options]
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wapiti > /dev/null || { echo "needs Debian's wapiti: apt-get install wapiti"; exit 1; }
source src/bench/lib.sh
build_server
port=8097
start_server "$work/server.log" "$port" java -jar "$jar" --spring.datasource.url="jdbc:h2:file:$work/h2/rehab"
java src/demo/LoadDemoData.java "http://localhost:$port/fhir/north" > /dev/null
base="http://localhost:$port/fhir/north"
mkdir -p target/wapiti
wapiti -u "$base/" --scope folder --flush-session --max-scan-time 600 --level 2 -f html -o target/wapiti \
    -s "$base/Patient?name=Whitfield&birthdate=1954" \
    -s "$base/Observation?patient=108&code=http://loinc.org%7C39156-5&_count=2" \
    -s "$base/Patient/108/\$everything?_count=5" \
    -s "$base/Procedure?patient=108&_include=Procedure:encounter" \
    -s "$base/Patient/108" \
    "$@" 2>&1 | tee "$work/wapiti.log"
cp "$work/server.log" target/wapiti/server.log
echo "answers by status during the scan:"
grep -oE -- '-> [0-9]{3}' target/wapiti/server.log | sort | uniq -c
echo "kinds of server failure (5xx), from the server's log:"
grep -E '"status":5[0-9]{2}' target/wapiti/server.log | grep -oE '"failure":"[^"]*"' | sort | uniq -c | sort -rn || echo "  none"
