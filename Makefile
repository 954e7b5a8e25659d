# Thin wrapper: install what the build and tests need (Debian 12), build, demo, test.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Build and test dependencies, all from Debian's archive.
PACKAGES := cmake g++ make pkg-config libcli11-dev libssl-dev libarchive-dev \
            nlohmann-json3-dev libzstd-dev zlib1g-dev libgtest-dev libgmock-dev \
            openssl cpio zstd umoci skopeo tar python3 jq \
            qemu-system-x86 linux-image-cloud-amd64 busybox-static

.PHONY: all deps build test demo bench clean format

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
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# The demo needs only eifkit and its init, not the test suite (half the compile time).
demo: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD_DIR) -j $(JOBS) --target eifkit eifkit-init
	./testdata/demo.sh $(BUILD_DIR)/eifkit

bench: build
	@for p in time bc; do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$p; done
	./bench/eif_build_bench.sh $(BUILD_DIR)/eifkit
	./bench/image_build_bench.sh $(BUILD_DIR)/eifkit

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR)
