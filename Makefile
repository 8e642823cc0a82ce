# reuptake — two commands: `make demo` and `make test`. Everything else is CMake + CTest.
BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
RU_WERROR  ?= OFF
PREFIX     ?= /usr/local
CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRU_WERROR=$(RU_WERROR)

.PHONY: all deps build demo test test-fast test-asan test-tsan install fuzz bench clean

all: build

deps:
	@bash scripts/install-deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS) -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Installs what is missing, builds, and runs the default simulation on the embedded knowledge base.
demo: deps build
	@bash scripts/demo $(BUILD)

# The whole suite: the normal build, then the same tests under AddressSanitizer + UBSan, then the
# multi-thread test under ThreadSanitizer.
test: deps build test-asan test-tsan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@echo "test: normal and sanitizer suites passed"

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DRU_SANITIZE=ON -DRU_ALLOC_FAULTS=ON -DRU_WERROR=$(RU_WERROR) -DRU_WITH_MPI=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -LE nosan

# Simulations on several threads sharing one knowledge base, under ThreadSanitizer.
test-tsan:
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DRU_TSAN=ON -DRU_WERROR=$(RU_WERROR) -DRU_WITH_MPI=OFF
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target test_threads
	cd $(TSAN_BUILD) && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --output-on-failure -R '^test_threads$$'

install: build
	cmake --install $(BUILD)

# The long fuzz run: every fuzzer (regimen grammar, NONMEM datasets, the whole argv) for
# RU_FUZZ_SECONDS each (default 600) under ASan/UBSan, one after the other; executions and
# coverage are printed at the end of each (docs/testing.md records a run).
fuzz:
	cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRU_FUZZ=ON -DRU_SANITIZE=ON -DRU_WITH_MPI=OFF
	cmake --build build-fuzz -j $(JOBS)
	cd build-fuzz && RU_FUZZ_SECONDS=$${RU_FUZZ_SECONDS:-600} ctest -L fuzz --output-on-failure -V

bench: build
	RU_WITH_BENCH=1 bash scripts/install-deps
	bash bench/run $(BUILD)

# The hybrid solver's benchmark (bench/README.md): one run, results in $(BUILD)/bench/hybrid.txt.
bench-hybrid: build
	bash bench/run_hybrid $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) build-fuzz
