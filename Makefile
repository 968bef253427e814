# The two set-up commands (see README.md):
#   make run   install what is missing, build, and run regend in the foreground on the embedded
#              default (SQLite under ./var, HTTP on 127.0.0.1:8080, admin socket ./var/regend.sock)
#   make test  install what is missing, build, and run the whole test suite: format check, the
#              -Werror build's tests, then the same tests under AddressSanitizer + UBSan, then
#              a short smoke of the load scenarios (regenctl bench) against a fresh regend
# CI (.ci/run) runs `make test`.

JOBS ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan
CMAKE_FLAGS ?=

.PHONY: run test deps build build-asan unit-test asan-test bench-smoke format format-check clean install

deps:
	./scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREGEN_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

run: build
	mkdir -p var
	exec $(BUILD)/regend/regend --data-dir ./var --listen 127.0.0.1:8080

build-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DREGEN_WERROR=ON -DREGEN_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)

unit-test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan-test: build-asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

# Installs into PREFIX (default /usr/local; the configuration always goes to /etc/regend, and is
# never overwritten) under DESTDIR if set. docs/OPERATIONS.md has the steps that follow.
PREFIX ?= /usr/local
install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

format-check: deps
	./scripts/check-format.sh

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i --style=file

# A short run of the webhook-sustained and api-read scenarios against a fresh regend, failing
# when a threshold fails (docs/BENCHMARKS.md). Not a benchmark: the figures are not kept.
bench-smoke: build
	./scripts/bench-smoke.sh $(BUILD)

test: format-check unit-test asan-test bench-smoke

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
