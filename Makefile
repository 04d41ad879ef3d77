# Two commands matter: `make run` and `make test`. Both install what is missing first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
# Let ccache share objects between checkouts (a fresh clone reuses an earlier build's work).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: deps configure build run test unit-test integration-test compat-test bench bench-peers format clean

deps:
	@scripts/install-deps.sh

configure: deps
	@test -f $(BUILD_DIR)/CMakeCache.txt || cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: configure
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	scripts/run.sh

unit-test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

integration-test: build
	scripts/integration-test.sh

compat-test: build
	SB_BUILD_DIR=$(abspath $(BUILD_DIR)) scripts/compat-test.sh

test: unit-test integration-test compat-test

# Measures, never asserts; not part of `make test`. bench-peers adds the Portkey gateway.
bench: build
	@scripts/install-bench-deps.sh
	SB_BUILD_DIR=$(abspath $(BUILD_DIR)) scripts/bench.sh

bench-peers: build
	@scripts/install-bench-deps.sh
	SB_BUILD_DIR=$(abspath $(BUILD_DIR)) scripts/bench.sh --peers

format:
	find src tools tests -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
