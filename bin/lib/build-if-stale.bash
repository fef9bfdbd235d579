# Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
# Sourced by bin/tributary and bin/tributary-admin: builds the broker module (jar, target/lib) on first use or
# when its sources changed since the last build. TRIBUTARY_NO_BUILD=1 skips the check (tests run the scripts on
# what the Maven build just packaged).
tributary_build_if_stale() {
  [[ -n "${TRIBUTARY_NO_BUILD:-}" ]] && return 0
  local here="$1" module="$1/mqtt-frontend"
  local lib="$module/target/lib"
  if [[ ! -d "$module/target/classes/io" || ! -d "$lib" || -n "$(find "$module/src/main" "$module/pom.xml" "$here/placement-kraft/src/main" "$here/placement-kraft/pom.xml" "$here/record-contract/src/main" "$here/record-contract/pom.xml" "$here/pom.xml" -newer "$lib" -print -quit 2>/dev/null)" ]]; then
    echo "Building Tributary (first run or sources changed)..." >&2
    (cd "$here" && mvn -B -q -pl mqtt-frontend -am -Dmaven.test.skip=true package) >&2
    touch "$lib"
  fi
}
