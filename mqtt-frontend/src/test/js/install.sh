#!/bin/sh
# Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
#
# Installs the MQTT.js test client (versions pinned by package-lock.json) into $1, e.g. target/mqttjs, for
# EdgeListenersIT. Run by the Maven build before the integration tests; npm's cache lives under target/ too, and an
# install whose lock file has not changed is kept, so repeated builds need no network.
set -e
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "The MQTT.js integration test needs Node.js 20 or later and npm on the PATH (CI installs Node 20)." >&2
  echo "Install Node.js, or skip the integration tests with -DskipITs." >&2
  exit 1
fi
src=$(cd "$(dirname "$0")" && pwd)
dir=$1
mkdir -p "$dir"
cp "$src/roundtrip.mjs" "$dir/"
if [ -d "$dir/node_modules/mqtt" ] && cmp -s "$src/package-lock.json" "$dir/package-lock.json"; then
  exit 0
fi
cp "$src/package.json" "$src/package-lock.json" "$dir/"
cd "$dir"
npm ci --cache "$dir/../npm-cache" --prefer-offline --no-audit --no-fund --loglevel=error
