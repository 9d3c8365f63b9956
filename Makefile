# A thin wrapper over build.sh; no logic lives only here. JAVA_HOME picks the JDK.
.PHONY: all test check bench run clean

all:
	./build.sh jar

test:
	./build.sh test

# the official MCP conformance suite and the real-client checks, on their own
check:
	TEST_SELECT="--scan-class-path --include-tag check" ./build.sh test

bench:
	./build.sh bench

run: all
	java -jar build/hearth.jar

clean:
	rm -rf build
