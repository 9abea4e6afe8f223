#!/usr/bin/env bash
# Generates a seeded Synthea 3.3.0 population (the project's realistic corpus) under target/synthea/, and prints
# its directory. Synthea and its libraries come from Maven Central once and are cached in target/synthea/lib.
# The same seed and size always give the same patients; bundles are FHIR R4 transactions as Synthea writes them,
# plus the hospital and practitioner batch bundles, none of them altered.
# Years of history: Synthea's default (10) unless given; a shorter history keeps every patient and their current
# conditions but fewer past encounters, so that a hospital-sized population loads within a benchmark's run.
# Usage: src/bench/synthea.sh [patients, default 20] [seed, default 42] [years of history, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
patients=${1:-20}
seed=${2:-42}
years=${3:-10}
home=target/synthea
out=$home/population-$patients-$seed
[ "$years" = 10 ] || out=$out-${years}y

if [ ! -f "$home/lib/synthea-3.3.0.jar" ]; then
    mkdir -p "$home"
    cat > "$home/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.rehab.bench</groupId>
  <artifactId>synthea-corpus</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.mitre.synthea</groupId>
      <artifactId>synthea</artifactId>
      <version>3.3.0</version>
    </dependency>
  </dependencies>
</project>
POM
    ./mvnw -q -B -f "$home/pom.xml" dependency:copy-dependencies -DoutputDirectory=lib -DincludeScope=runtime >&2
    ls "$home/lib/synthea-3.3.0.jar" > /dev/null
fi

if [ ! -d "$out/fhir" ]; then
    rm -rf "$out.tmp"
    # -r: the records end on 1 January 2025 whatever the day of the run, so the corpus never changes.
    java -Xmx4g -cp "$home/lib/*" App -s "$seed" -cs "$seed" -r 20250101 -p "$patients" \
        --exporter.baseDirectory="$out.tmp/" --exporter.fhir.transaction_bundle=true \
        --exporter.hospital.fhir.export=true --exporter.practitioner.fhir.export=true \
        --exporter.years_of_history="$years" --exporter.csv.export=false --exporter.ccda.export=false --exporter.metadata.export=false \
        Massachusetts > "$out.log" 2>&1 \
        || { tail -20 "$out.log" >&2; exit 1; }
    mv "$out.tmp" "$out"
fi
echo "$out/fhir"
