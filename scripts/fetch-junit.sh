#!/bin/sh
# Prints the path of the JUnit 5 console launcher, fetching it through Maven into build/lib
# (git-ignored) on first use and checking its sha256. Only the tests need it; the jar never does.
set -eu
cd "$(dirname "$0")/.."
version=1.11.4
sha256=b016ef6b1c3454d6d7c2c88ce081dabf289699686af6622d6e4e2e1b54b4a2fc
target=build/lib/junit-platform-console-standalone-$version.jar
if [ ! -f "$target" ]; then
  mkdir -p build/lib
  mvn -q dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$version" \
    -DoutputDirectory=build/lib >&2 || { echo "fetch-junit.sh: mvn could not fetch JUnit $version" >&2; exit 1; }
fi
echo "$sha256  $target" | sha256sum -c --quiet - >&2 || { echo "fetch-junit.sh: $target has the wrong sha256" >&2; exit 1; }
echo "$target"
