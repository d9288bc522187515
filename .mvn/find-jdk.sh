# Sourced by ./mvnw, ./allot and .ci/run: makes JAVA_HOME point at a JDK 21 or newer.
# Keeps a JAVA_HOME that is already new enough; otherwise takes the newest JDK under /usr/lib/jvm.
allot_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p'
}
allot_major=0
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && allot_major=$(allot_java_major "$JAVA_HOME")
if [ "${allot_major:-0}" -lt 21 ]; then
  allot_best=""; allot_best_major=0
  for allot_jdk in /usr/lib/jvm/*/ /opt/java/*/ /opt/*jdk*/; do
    allot_jdk=${allot_jdk%/}
    [ -x "$allot_jdk/bin/javac" ] || continue
    allot_major=$(allot_java_major "$allot_jdk")
    if [ -n "$allot_major" ] && [ "$allot_major" -ge 21 ] && [ "$allot_major" -gt "$allot_best_major" ]; then
      allot_best=$allot_jdk; allot_best_major=$allot_major
    fi
  done
  if [ -n "$allot_best" ]; then
    export JAVA_HOME="$allot_best"
  else
    echo "Allot needs a JDK 21 or newer: set JAVA_HOME to one (none found under /usr/lib/jvm)." >&2
  fi
  unset allot_best allot_best_major allot_jdk
fi
unset allot_major
