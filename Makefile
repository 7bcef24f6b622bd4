# Nerve: build, test, demo, bench, fuzz, install.
# `make test` and `make demo` do all set-up on a fresh Debian machine (as root, or with sudo); only `make deps`
# installs packages, and `make build` / `make install` need nothing beyond the Swift toolchain.

PREFIX      ?= /usr/local
PYTHON      ?= python3
VERSION     := 0.4.0
SOMAJOR     := 0
BUILD       := build
LIBDIR      := $(BUILD)/lib
LIB         := $(LIBDIR)/libnerve.so
DATA        := $(BUILD)/data
FASHION_SRC := /usr/share/datasets/fashion-mnist
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

APT_PACKAGES := libopenblas-dev libpython3-dev dataset-fashion-mnist clang valgrind libfann-dev libopenmpi-dev openmpi-bin
PIP_PACKAGES := numpy scipy pytest hypothesis scikit-learn nbclient nbformat ipykernel matplotlib tqdm mpi4py dask distributed

SWIFT_RELEASE := swift build -c release --product nerve -Xswiftc -static-stdlib -Xswiftc -use-ld=lld \
                 -Xlinker --version-script=$(CURDIR)/Sources/NerveC/exports.map \
                 -Xlinker -soname=libnerve.so.$(SOMAJOR)

.PHONY: all deps build lib test test-swift test-kernels test-c test-python test-mpi demo bench fuzz install clean data

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

$(LIB): $(shell find Sources include -type f) Package.swift
	$(SWIFT_RELEASE)
	@mkdir -p $(LIBDIR)
	# A new inode, not an overwrite: processes that have the old library mapped keep running.
	cp .build/release/libnerve.so $(LIBDIR)/.libnerve.so.new && mv -f $(LIBDIR)/.libnerve.so.new $(LIBDIR)/libnerve.so.$(VERSION)
	ln -sf libnerve.so.$(VERSION) $(LIBDIR)/libnerve.so.$(SOMAJOR)
	ln -sf libnerve.so.$(VERSION) $(LIBDIR)/libnerve.so
	@touch $@

# Fashion-MNIST as plain IDX files (the Debian package ships them gzipped).
data: $(DATA)/train-images-idx3-ubyte
$(DATA)/train-images-idx3-ubyte: deps
	@mkdir -p $(DATA)
	for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do \
	    gunzip -c $(FASHION_SRC)/$$f.gz > $(DATA)/$$f; done

test: deps test-swift test-kernels test-c test-python test-mpi

test-swift:
	swift test

test-kernels:
	$(MAKE) -C Tests/kernels test

test-c: $(LIB) data
	$(MAKE) -C Tests/c test NERVE_LIB_DIR=$(CURDIR)/$(LIBDIR) NERVE_DATA=$(CURDIR)/$(DATA)
	$(MAKE) -C bindings/c test NERVE_LIB_DIR=$(CURDIR)/$(LIBDIR) NERVE_DATA=$(CURDIR)/$(DATA)

test-python: $(LIB) data
	NERVE_LIBRARY=$(CURDIR)/$(LIB) $(PYTHON) -m pytest -q Tests/python

# The C example of data-parallel training under mpirun (2 and 4 ranks), each run under `timeout`; skipped
# without mpicc and mpirun. The Python side runs in test-python (Tests/python/test_distributed.py, whose every
# mpirun job has a time limit of its own).
test-mpi: $(LIB) data
	$(MAKE) -C bindings/c test-mpi NERVE_LIB_DIR=$(CURDIR)/$(LIBDIR) NERVE_DATA=$(CURDIR)/$(DATA)

demo: $(LIB) data
	$(MAKE) -C bindings/c demo NERVE_LIB_DIR=$(CURDIR)/$(LIBDIR) NERVE_DATA=$(CURDIR)/$(DATA)
	NERVE_LIBRARY=$(CURDIR)/$(LIB) $(PYTHON) bindings/python/examples/demo.py

bench: $(LIB) data
	$(MAKE) -C bench run NERVE_LIB_DIR=$(CURDIR)/$(LIBDIR) NERVE_DATA=$(CURDIR)/$(DATA)

FUZZ_SECONDS ?= 60
fuzz: $(LIB)
	$(MAKE) -C Tests/fuzz run NERVE_LIB_DIR=$(CURDIR)/$(LIBDIR) FUZZ_SECONDS=$(FUZZ_SECONDS)

install: $(LIB)
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 0755 $(LIBDIR)/libnerve.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libnerve.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libnerve.so.$(SOMAJOR)
	ln -sf libnerve.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libnerve.so
	install -m 0644 include/nerve.h $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' nerve.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/nerve.pc

clean:
	rm -rf $(BUILD) .build
