# Satori: the front door. Every step is reusable on its own and incremental;
# `make demo` and `make test` are made of them.
#
#   make deps        install the Debian packages the project uses
#   make sources     fetch/unpack pinned Xen 4.17 and Linux 6.1, apply our patches
#   make hypervisor  build Xen with Satori ($(BUILD)/out/xen)
#   make kernel      build the dom0/guest kernel ($(BUILD)/out/vmlinux)
#   make lab-images  dom0 root file system, guest initramfs, guest disk
#   make userspace   CMake build of userspace and the portable C logic
#   make unit        GoogleTest unit tests (ctest)
#   make kunit       KUnit suites under UML (kunit.py)
#   make lab         boot the lab once (3 guests read their disks)
#   make packages    Debian packages in $(BUILD)/packages/: Xen with Satori
#                    (release and debug builds) and its GRUB settings, the
#                    dom0 tools, the guest/dom0 kernel (linux-image-*-satori)
#   make bench-index the content index's native benchmark, new against the
#                    old index (prints satori-index: ...; about 1 min)
#   make bench       bench-index, then four lab boots measuring detection
#                    (coverage, latency, sequential-read overhead), the
#                    volatile cache, repayment, free memory reported, and
#                    hints against a scanner (prints satori-detect:,
#                    satori-surplus:, satori-repay:, satori-free:,
#                    satori-vs-scan: ...; plots in build/bench/)
#   make demo        all of the above that is missing, then the demo
#   make test        every test; prints "N passed, N failed"

BUILD ?= $(CURDIR)/build
SATORI_CACHE ?= /var/cache/satori
export BUILD SATORI_CACHE

.PHONY: all deps sources hypervisor kernel lab-images userspace unit kunit \
	lab bench bench-index packages demo test clean distclean

all: hypervisor kernel lab-images userspace

deps:
	@scripts/deps.sh

sources: deps
	@scripts/prepare-linux.sh
	@scripts/build-xen.sh --sources-only

hypervisor: deps
	@scripts/build-xen.sh

kernel: deps
	@scripts/build-kernel.sh

lab-images: deps kernel packages
	@scripts/build-lab-images.sh

userspace: deps
	@cmake -S . -B $(BUILD)/cmake -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD)/cmake -j2

unit: userspace
	@ctest --test-dir $(BUILD)/cmake --output-on-failure

kunit: deps
	@scripts/run-kunit.sh

lab: packages kernel lab-images userspace
	@tests/lab/lab-run --name lab

bench: packages kernel lab-images userspace
	@scripts/bench.sh

packages: deps userspace
	@scripts/build-packages.sh

bench-index: userspace
	@scripts/bench-index.sh

demo: packages kernel lab-images userspace
	@scripts/demo.sh

test: deps packages kernel lab-images userspace
	@tests/run-all.sh

clean:
	rm -rf $(BUILD)/lab/runs $(BUILD)/cmake $(BUILD)/kunit-uml

distclean:
	rm -rf $(BUILD)
