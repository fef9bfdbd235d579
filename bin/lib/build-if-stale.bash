# Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
# Sourced by bin/tributary and bin/tributary-admin: builds the broker module (jar, target/lib) on first use or
# when its sources changed since the last build. TRIBUTARY_NO_BUILD=1 skips the check (tests run the scripts on
# what the Maven build just packaged).
# Plain text on the console: some Maven versions (3.8 among them) print ANSI resets even in batch mode with
# colours off, so the build's output also goes through strip_ansi.
strip_ansi() { sed "s/$(printf '\033')\[[0-9;]*[A-Za-z]//g"; }
tributary_build_if_stale() {
  [[ -n "${TRIBUTARY_NO_BUILD:-}" ]] && return 0
  local here="$1" module="$1/mqtt-frontend"
  local lib="$module/target/lib"
  if [[ ! -d "$module/target/classes/io" || ! -d "$lib" || -n "$(find "$module/src/main" "$module/pom.xml" "$here/placement-kraft/src/main" "$here/placement-kraft/pom.xml" "$here/record-contract/src/main" "$here/record-contract/pom.xml" "$here/pom.xml" -newer "$lib" -print -quit 2>/dev/null)" ]]; then
    echo "Building Tributary (first run or sources changed)..." >&2
    (cd "$here" && mvn -B -q -Dstyle.color=never -pl mqtt-frontend -am -Dmaven.test.skip=true package 2>&1) | strip_ansi >&2
    touch "$lib"
  fi
}
