# Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
# Sourced by bin/tributary and bin/tributary-admin: builds the broker module (jar, target/lib) on first use or
# when its sources changed since the last build. TRIBUTARY_NO_BUILD=1 skips the check (tests run the scripts on
# what the Maven build just packaged).

# Plain text on the console: some Maven versions (3.8 among them) print ANSI resets even in batch mode with
# colours off, so the build's output also goes through strip_ansi.
strip_ansi() { sed "s/$(printf '\033')\[[0-9;]*[A-Za-z]//g"; }

# The broker's sources, relative to the repository root.
tributary_node_sources() {
  local here="$1"
  echo "$here/mqtt-frontend/src/main" "$here/mqtt-frontend/pom.xml" "$here/placement-kraft/src/main" \
    "$here/placement-kraft/pom.xml" "$here/record-contract/src/main" "$here/record-contract/pom.xml" \
    "$here/schema-registry-client/src/main" "$here/schema-registry-client/pom.xml" "$here/pom.xml"
}

# True when the build output $1 is missing or any of the paths after it is newer.
tributary_stale() {
  local marker="$1"
  shift
  [[ ! -e "$marker" || -n "$(find "$@" -newer "$marker" -print -quit 2>/dev/null)" ]]
}

# Runs a quiet batch build of the given Maven arguments from the repository root, plain text on stderr.
tributary_mvn() {
  local here="$1"
  shift
  (cd "$here" && mvn -B -q -Dstyle.color=never "$@" 2>&1) | strip_ansi >&2
}

tributary_build_if_stale() {
  [[ -n "${TRIBUTARY_NO_BUILD:-}" ]] && return 0
  local here="$1" module="$1/mqtt-frontend"
  local lib="$module/target/lib"
  # shellcheck disable=SC2046 # the source paths have no spaces within the repository
  if [[ ! -d "$module/target/classes/io" ]] || tributary_stale "$lib" $(tributary_node_sources "$here"); then
    echo "Building Tributary (first run or sources changed)..." >&2
    tributary_mvn "$here" -pl mqtt-frontend -am -Dmaven.test.skip=true package
    touch "$lib"
  fi
}
