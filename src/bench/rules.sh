#!/usr/bin/env bash
# Drools 10 at run time: the MVEL-based DRL build the server uses against the executable model, on the rules in
# rules/, side by side in one JVM run. Usage: src/bench/rules.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -Pdrools-executable-model test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-rules-classpath.txt
java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench-rules-classpath.txt)" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    org.rehab.recommendation.RuleEngineBenchmark 2>&1 | grep -v -E "^\S+ \[main\] (WARN|INFO|DEBUG)"
