# hpclab: two commands, `make run` and `make test`. Each installs the Debian
# packages it needs when they are missing (with sudo when not root).

SWIFT      ?= swift
HOST       ?= 127.0.0.1
PORT       ?= 8080
BUILD_PKGS := libsqlite3-dev libopenblas-dev liblapacke-dev ocl-icd-opencl-dev opencl-headers pocl-opencl-icd
TEST_PKGS  := $(BUILD_PKGS) sqlite3 clinfo postgresql
BENCH_PKGS := $(TEST_PKGS) wrk nginx-light libclblast-dev
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Installs the named packages that dpkg does not already list as installed.
define apt_install
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi
endef

.PHONY: run test build release deps test-deps bench-deps bench fuzz clean bundle gpu-report fleet-check

deps:
	$(call apt_install,$(BUILD_PKGS))

test-deps:
	$(call apt_install,$(TEST_PKGS))

bench-deps:
	$(call apt_install,$(BENCH_PKGS))

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product hpclab

run: release
	.build/release/hpclab serve --host $(HOST) --port $(PORT)

# The Swift suites run in parallel: the server's replies run on their own task executor, its
# blocking work on its own threads, and the live-socket suites' test bodies on theirs
# (Tests/Support/LiveSockets.swift), so CPU-heavy suites beside them delay nothing they wait on.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	HPCLAB_BIN=.build/debug/hpclab ./scripts/openapi-check.sh
	./scripts/browser-check.sh
	HPCLAB_BIN=.build/debug/hpclab ./scripts/fleet-check.sh

# The fleet alone: a throwaway PostgreSQL, two servers and several workers (also in `make test`).
fleet-check: test-deps
	$(SWIFT) build
	HPCLAB_BIN=.build/debug/hpclab ./scripts/fleet-check.sh

bench: bench-deps release
	./scripts/bench.sh

# A relocatable tarball (static Swift runtime, the shared libraries it needs, corpus, pages,
# launcher, gpu-report.sh) for Linux machines without Swift or root: dist/hpclab-*.tar.gz.
bundle: deps
	SWIFT="$(SWIFT)" ./scripts/bundle.sh

# One table of fixed jobs over every device, with cuBLAS beside them when PyTorch is importable.
gpu-report: release
	HPCLAB_BIN=.build/release/hpclab ./scripts/gpu-report.sh

# Bounded libFuzzer run over the request parser (not part of `make test`).
FUZZ_SECONDS ?= 120
fuzz: deps
	./scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build .build-fuzz .build-bundle dist

# Proves deploy/Dockerfile's runtime stage without a Docker engine: a debootstrap'ed
# bookworm root with exactly the Dockerfile's runtime packages and files, the server run
# in it as the image's user (see scripts/deploy-check.sh, deploy/README.md). Needs root
# (sudo when not root); scratch in .build-deploy/ (git-ignored).
DEPLOY_PKGS := $(BUILD_PKGS) debootstrap curl jq iproute2 binutils python3-yaml
.PHONY: deploy-check
deploy-check:
	$(call apt_install,$(DEPLOY_PKGS))
	SWIFT="$(SWIFT)" ./scripts/deploy-check.sh

# public/openapi.json against a live server: the document validated, then pytest with
# schemathesis over every operation (Python packages in a venv under .build-openapi/).
# Uses .build/debug/hpclab when it exists, else builds it.
.PHONY: openapi-check
openapi-check: deps
	./scripts/openapi-check.sh

# Drives the pages in headless Chromium with selenium against the real server (installs
# chromium, chromium-driver and selenium when missing); screenshots in .build/screenshots.
.PHONY: browser-check
browser-check: deps
	./scripts/browser-check.sh
