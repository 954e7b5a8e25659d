# Thin wrapper: install what the build and tests need (Debian 12), build, demo, test.
BUILD_DIR ?= build
# The clang build with ASan, UBSan and libFuzzer instrumentation: `make sanitize`, `make fuzz`.
SAN_DIR ?= build-san
FUZZ_SECONDS ?= 60
JOBS ?= $(shell nproc)
VECTORS := $(if $(wildcard ../shared/vectors/eif),../shared/vectors,testdata/vectors)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Build and test dependencies, all from Debian's archive.
PACKAGES := cmake g++ make pkg-config libcli11-dev libssl-dev libarchive-dev \
            nlohmann-json3-dev libzstd-dev zlib1g-dev libisal-dev libgtest-dev libgmock-dev \
            openssl cpio zstd umoci skopeo tar python3 python3-yaml jq \
            qemu-system-x86 qemu-system-arm linux-image-cloud-amd64 busybox-static \
            clang libclang-rt-14-dev musl-tools gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
            libp11-dev libp11-kit-dev softhsm2 python3-securesystemslib \
            dpkg-dev file debootstrap lintian

# Configured for /usr, the prefix the .deb installs under and compiles into eifkit (for a copy
# of the binary outside its tree); `cmake --install $(BUILD_DIR) --prefix DIR` installs
# anywhere else.
CONFIGURE = cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DEIFKIT_WERROR=ON \
            -DCMAKE_INSTALL_PREFIX=/usr

.PHONY: all deps build test sanitize fuzz san-configure demo deb bench clean format

all: build

deps:
	@missing=$$(for p in $(PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(CONFIGURE)
	cmake --build $(BUILD_DIR) -j $(JOBS)

# $(BUILD_DIR)/eifkit_VERSION_amd64.deb (cmake/package.cmake), building only what it ships.
deb: deps
	$(CONFIGURE)
	cmake --build $(BUILD_DIR) -j $(JOBS) --target eifkit eifkit_man eifkit_completion \
	  eifkit_changelog
	cd $(BUILD_DIR) && cpack

# The suite, then the suite again under ASan and UBSan, then every fuzz target for 60 s, then
# the number of tests that did not run in either suite (tests/run/count_skipped.sh, from
# ctest's JUnit files): with CI=true (.ci/run) a test that did not run fails the run, and a
# test whose prerequisite is missing has already failed (tests/support/requirements.h).
# The arm64 boot test's kernel and busybox come from Debian's arm64 packages, fetched once.
test: build
	tests/run/fetch_arm64.sh $(BUILD_DIR)/arm64
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) \
	  --output-junit $(abspath $(BUILD_DIR))/ctest-junit.xml
	$(MAKE) sanitize
	$(MAKE) fuzz
	tests/run/count_skipped.sh $(abspath $(BUILD_DIR))/ctest-junit.xml $(abspath $(SAN_DIR))/ctest-junit.xml

san-configure: deps
	cmake -S . -B $(SAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEIFKIT_WERROR=ON -DCMAKE_C_COMPILER=clang \
	  -DCMAKE_CXX_COMPILER=clang++ -DEIFKIT_SANITIZE=ON -DEIFKIT_FUZZ=ON

# Sanitizer reports go to files (log_path), so that one is noticed even when the process that
# made it was expected to fail: any file there fails the run. The tests run this build's
# (sanitized) eifkit. Tests labelled no-sanitize (QEMU boots, README) are left out.
SAN_LOGS = $(abspath $(SAN_DIR))/sanitizer-logs
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:log_path=$(SAN_LOGS)/asan \
          UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(SAN_LOGS)/ubsan
sanitize: san-configure
	rm -rf $(SAN_LOGS) && mkdir -p $(SAN_LOGS)
	$(SAN_ENV) cmake --build $(SAN_DIR) -j $(JOBS) --target eifkit eifkit_tests
	@$(SAN_ENV) ctest --test-dir $(SAN_DIR) --output-on-failure -j $(JOBS) -LE no-sanitize \
	  --output-junit $(abspath $(SAN_DIR))/ctest-junit.xml; \
	status=$$?; \
	if [ -n "$$(ls -A $(SAN_LOGS))" ]; then \
	  echo "sanitizer reports ($(SAN_LOGS)):"; tail -n +1 $(SAN_LOGS)/*; exit 1; \
	fi; \
	exit $$status

# Each fuzz target for FUZZ_SECONDS, two at a time; reproducers in $(SAN_DIR)/fuzz/artifacts/.
fuzz: san-configure
	cmake --build $(SAN_DIR) -j $(JOBS) --target eifkit eifkit_fuzz_targets
	tests/fuzz/run_fuzzers.sh $(SAN_DIR) $(FUZZ_SECONDS) $(VECTORS)

# The demo needs only eifkit and its init, not the test suite (half the compile time).
demo: deps
	$(CONFIGURE)
	cmake --build $(BUILD_DIR) -j $(JOBS) --target eifkit
	./testdata/demo.sh $(BUILD_DIR)/eifkit

bench: build
	@for p in time bc skopeo umoci cpio; do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$p; done
	./bench/summary.sh $(BUILD_DIR)/eifkit $(BENCH_ARGS)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR) $(SAN_DIR)
