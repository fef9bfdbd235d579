#!/usr/bin/env bash
# Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
#
# Runs the end-to-end load tool against a running broker, building the shaded jar first if it is
# missing. All arguments go to the tool, e.g.:
#   benchmarks/run-load.sh --mqtt-port 1883 --kafka-bootstrap 127.0.0.1:9092 --json result.json
# Set REBUILD=1 to force a rebuild; JAVA_OPTS overrides the JVM flags below.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/tributary-benchmarks.jar"

if [[ ! -f "$jar" || "${REBUILD:-0}" == "1" ]]; then
  echo "building $jar ..." >&2
  # The parent pom must be in the local repository for a single-module build.
  (cd "$root" && mvn -B -q -N install && mvn -B -q -pl benchmarks package -DskipTests) >&2
fi

# A fixed heap avoids resize pauses showing up as latency outliers.
exec java ${JAVA_OPTS:--Xms1g -Xmx1g} -jar "$jar" "$@"
