# Sourced by the launchers: sets JAVA to a java binary of JDK 25 or newer, or exits with a clear message.
# Tries $JAVA_HOME, then `java` on the PATH, then every JDK under /usr/lib/jvm and /opt, newest first.

java_feature_version() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_java() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  local dir
  for dir in $(ls -d /usr/lib/jvm/*/ /opt/*jdk*/ /opt/java/*/ 2>/dev/null | sort -rV); do
    candidates+=("${dir%/}/bin/java")
  done
  local candidate version
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate" ] || continue
    version=$(java_feature_version "$candidate")
    if [ -n "$version" ] && [ "$version" -ge 25 ]; then
      JAVA="$candidate"
      JAVA_HOME="$(cd "$(dirname "$candidate")/.." && pwd)"
      export JAVA_HOME
      return 0
    fi
  done
  echo "checkpass needs a JDK 25 or newer; none found in \$JAVA_HOME, on the PATH or under /usr/lib/jvm. Install one (e.g. Temurin 25) and set JAVA_HOME." >&2
  exit 1
}

find_java
