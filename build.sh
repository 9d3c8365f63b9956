#!/bin/sh
# Builds build/hearth.jar with plain javac and jar, nothing else. `./build.sh test` also compiles
# and runs the JUnit 5 tests and ends with a line "N passed, M failed"; `./build.sh bench` runs
# the benchmarks. Set JAVA_HOME to pick a JDK (17 or newer).
set -eu
cd "$(dirname "$0")"
bin=${JAVA_HOME:+$JAVA_HOME/bin/}

build_jar() {
  rm -rf build/classes && mkdir -p build/classes
  # shellcheck disable=SC2046 # find's list is meant to split: source paths hold no spaces
  "${bin}javac" --release 17 -encoding UTF-8 -Xlint:all,-serial -Werror -XDstringConcat=inline -d build/classes \
    $(find src -name '*.java' ! -name VectorKernels.java)
  # The engine's vector kernels use the incubating jdk.incubator.vector. javac always warns
  # "using incubating module(s)" and has no -Xlint key for it, so this one file compiles without
  # -Werror; any other warning still fails the build.
  "${bin}javac" --release 17 -encoding UTF-8 -Xlint:all,-serial -XDstringConcat=inline --add-modules jdk.incubator.vector \
    -cp build/classes -d build/classes src/hearth/engine/VectorKernels.java 2>build/vector.log || { cat build/vector.log >&2; exit 1; }
  if grep 'warning:' build/vector.log | grep -qv 'incubating module'; then cat build/vector.log >&2; exit 1; fi
  cp -r commands build/classes/hearth/commands          # the slash commands travel inside the jar
  cp -r scripts build/classes/hearth/scripts            # and so do the big-model scripts
  "${bin}jar" --create --file build/hearth.jar --main-class hearth.cli.Main \
    --date=2000-01-01T00:00:02Z -C build/classes .
}

test_classes() {
  junit=$(scripts/fetch-junit.sh)
  rm -rf build/test-classes && mkdir -p build/test-classes
  # shellcheck disable=SC2046 # as in build_jar
  "${bin}javac" --release 17 -encoding UTF-8 -Xlint:all,-serial,-try -Werror -cp "build/classes:$junit" \
    -d build/test-classes $(find test -name '*.java')
  cp -r test/transcripts build/test-classes/transcripts
}

case "${1:-jar}" in
  jar) build_jar ;;
  test)
    build_jar && test_classes
    # Tests print their own detail; the last line is the one CI reads.
    set +e
    # ../shared holds the test corpora and the real-backend scripts; CI checkouts may sit elsewhere
    shared=${HEARTH_SHARED:-../shared}
    [ -d "$shared" ] || shared=/work/shared
    # --add-modules: the engine tests then run the vector kernels (KernelsTest checks them against the scalar ones)
    # shellcheck disable=SC2086 # TEST_SELECT holds several options
    "${bin}java" --add-modules jdk.incubator.vector "-Dhearth.shared=$shared" -jar "$junit" execute --disable-banner --details=tree --details-theme=ascii --disable-ansi-colors \
      --class-path "build/classes:build/test-classes" ${TEST_SELECT:---scan-class-path} 2>&1 | tee build/test.log
    passed=$(sed -n 's/^\[ *\([0-9]*\) tests successful *\]$/\1/p' build/test.log)
    failed=$(sed -n 's/^\[ *\([0-9]*\) tests failed *\]$/\1/p' build/test.log)
    echo "${passed:-0} passed, ${failed:-1} failed"
    [ "${failed:-1}" = 0 ] ;;
  bench)
    build_jar && test_classes
    # Each prints its measurements as ratios against a baseline run in the same process or script.
    # The server benches run hearth in a JVM started as install starts the server (Launch.flags,
    # keep them in step): serial GC and C1 only, so their numbers are the ones a client sees.
    # EngineBench starts each engine in a JVM of its own, with the engine's flags.
    server_flags="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k"
    for b in Bench BackendBench HttpBench EngineBench; do
      echo "== $b"
      flags=$server_flags
      [ "$b" = EngineBench ] && flags=""
      # shellcheck disable=SC2086 # the flags are words
      "${bin}java" $flags --add-modules jdk.incubator.vector -cp "build/classes:build/test-classes" "hearth.bench.$b" || exit 1
    done ;;
  *) echo "usage: ./build.sh [jar|test|bench]" >&2; exit 1 ;;
esac
