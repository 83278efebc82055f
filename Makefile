# SPDX-License-Identifier: GPL-2.0
#
# ucmd top-level build.
#   make deps    install what the build needs (apt, unattended, idempotent)
#   make         module (with BTF), tests, tools
#   make check   host tests, then every guest test in a QEMU guest
#   make demo    boot the guest and show ucmd at work
#   make kmod KDIR=/lib/modules/$(uname -r)/build   module for another kernel
#   make check KVER=R, make demo KVER=R   the guest on kernel R of
#                tools/kernels.conf (headers and image fetched, modules
#                built in a chroot of R's suite where needed)
#   make check-kernels   the guest suite on every kernel of tools/kernels.conf
#   make install [DESTDIR=...] [prefix=/usr/local]   ucmdctl, BPF objects,
#                headers, man pages, bash completion (make uninstall undoes)
#   make install-dkms    the module's source and dkms.conf in /usr/src

B        := build
VERSION  := $(shell cat VERSION)

# Installation directories (GNU coding standards); DESTDIR stages.
prefix      ?= /usr/local
exec_prefix ?= $(prefix)
sbindir     ?= $(exec_prefix)/sbin
libdir      ?= $(exec_prefix)/lib
ucmdlibdir  ?= $(libdir)/ucmd
includedir  ?= $(prefix)/include
datarootdir ?= $(prefix)/share
mandir      ?= $(datarootdir)/man
bashcompdir ?= $(datarootdir)/bash-completion/completions
pkgconfigdir ?= $(libdir)/pkgconfig
ucmddatadir ?= $(datarootdir)/ucmd
# The BPF handler kit (docs/bpf-handlers.md): ucmd-bpf.pc, ucmd-bpf.mk and
# a template directory. The .pc's paths are relative to its own place
# (${pcfiledir}), so that a DESTDIR stage works as the installed tree.
KIT_TEMPLATE := $(wildcard tools/bpf-kit/template/*)
relpath = $(shell realpath -m --relative-to=$(1) $(2))

dkmssrcdir  ?= /usr/src/ucmd-$(VERSION)
INSTALL     ?= install
RST2MAN     ?= $(firstword $(shell command -v rst2man rst2man.py 2>/dev/null) rst2man)
# The host's installed 6.12: what the tests, tools and BPF objects are built
# against and what make check boots unless KVER names another kernel.
# Recursive (=): expanded in recipes, after $(B)/.deps has installed it on
# a fresh machine.
HOST_KVER = $(shell tools/kver.sh 2>/dev/null)
KVER     ?= $(HOST_KVER)
KDIR     ?= /usr/src/linux-headers-$(HOST_KVER)
# tools/kernel.sh: kbuild runs in this chroot (KDIR is a path inside it).
KCHROOT  ?=
# Extra kbuild variables for ucmd.ko: UCMD_GCOV=y (make coverage),
# UCMD_KCOV=y (make fuzz KCOV=1); see kmod/Kbuild.
UCMD_KBUILD ?=
KRUN     := $(if $(KCHROOT),chroot $(KCHROOT))
CC       := gcc
CFLAGS   := -O2 -g -Wall -Wextra -Wno-unused-parameter -Iinclude/uapi -Iinclude -Ibpf
LDSTATIC := -static

GUEST_TESTS := $(patsubst tests/guest/%.c,$(B)/tests/guest/%,\
	$(filter-out tests/guest/helpers.c,$(wildcard tests/guest/*.c)))
HOST_TESTS  := $(patsubst tests/host/%.c,$(B)/tests/host/%,$(wildcard tests/host/*.c))
# Shell host tests run from the tree, after make all (man pages, ucmdctl).
HOST_SCRIPTS := $(wildcard tests/host/*.sh)
UAPI        := include/uapi/linux/ucmd.h
KMOD_SRC    := $(wildcard kmod/*.c kmod/*.h kmod/probes/*.c) kmod/Kbuild kmod/probes.sh $(UAPI)

BPF_OBJS := $(patsubst bpf/%.bpf.c,$(B)/bpf/%.bpf.o,$(wildcard bpf/*.bpf.c)) \
	    $(patsubst tests/bpf/%.bpf.c,$(B)/tests/bpf/%.bpf.o,$(wildcard tests/bpf/*.bpf.c)) \
	    $(B)/tests/bpf/nobtf.bpf.o
GUEST_SCRIPTS := $(patsubst tests/guest/%.sh,$(B)/tests/guest/%,$(filter-out tests/guest/lib.sh,$(wildcard tests/guest/*.sh)))
CLANG    := clang-19
MANPAGES := $(B)/man/ucmdctl.8 $(B)/man/ucmd.4
# The objects ucmdctl names as bundled, not the test objects.
BUNDLED_OBJS := $(patsubst bpf/%.bpf.c,$(B)/bpf/%.bpf.o,$(wildcard bpf/*.bpf.c))
BPFTOOL  := bpftool

all: guest $(HOST_TESTS) $(MANPAGES)

# Every target that builds or boots first makes sure the tools are there.
$(B)/.deps: tools/deps.sh
	@tools/deps.sh
	@mkdir -p $(B) && touch $@

deps:
	tools/deps.sh
	@mkdir -p $(B) && touch $(B)/.deps

# Modules are built from a copy under $(KSRC), so that kbuild's outputs
# never land in the source tree; the copy keeps the tree's relative layout.
KSRC := $(B)/ksrc

# The kernel tree and kbuild variables the modules were built for: a
# change (a rebuilt debug kernel in a new cache directory) rebuilds them.
KBUILD_ID = $(realpath $(KDIR)) $(UCMD_KBUILD)
$(B)/.kbuild-id: FORCE
	@mkdir -p $(@D)
	@echo '$(KBUILD_ID)' | cmp -s - $@ 2>/dev/null || echo '$(KBUILD_ID)' > $@
FORCE:
.PHONY: FORCE

$(B)/kmod/ucmd.ko: $(KMOD_SRC) $(B)/.kbuild-id | $(B)/.deps
	@mkdir -p $(KSRC)/kmod/probes $(KSRC)/include/uapi/linux
	@rm -f $(KSRC)/kmod/*.[ch] $(KSRC)/kmod/probes/*.c
	@cp -p kmod/*.c kmod/*.h kmod/Kbuild kmod/probes.sh $(KSRC)/kmod/
	@cp -p kmod/probes/*.c $(KSRC)/kmod/probes/
	@cp -p $(UAPI) $(KSRC)/include/uapi/linux/
	$(KRUN) $(MAKE) -C $(KDIR) M=$(CURDIR)/$(KSRC)/kmod $(UCMD_KBUILD) modules
	@# Without module BTF ucmd loads with C handlers only (features lacks
	@# UCMD_F_BPF): a warning, not a failure, for make kmod KDIR=...
	@$(BPFTOOL) btf dump file $(KSRC)/kmod/ucmd.ko -B $(KCHROOT)$(KDIR)/vmlinux 2>/dev/null | \
		grep -q "STRUCT 'bpf_struct_ops_ucmd_ops'" || \
		echo "Warning: ucmd.ko has no BTF for its struct_ops (pahole missing, or the kernel lacks CONFIG_DEBUG_INFO_BTF_MODULES): BPF policies and handlers will be unavailable" >&2
	@mkdir -p $(@D) && cp $(KSRC)/kmod/ucmd.ko $@

# The same module without its BTF, as pahole-less builds and kernels without
# CONFIG_DEBUG_INFO_BTF_MODULES make it (guest test bpf-unavailable).
$(B)/kmod/ucmd-nobtf.ko: $(B)/kmod/ucmd.ko
	objcopy --remove-section=.BTF --remove-section=.BTF.base $< $@

# A client of the handler API, loaded and unloaded by the guest tests.
$(B)/kmod/ucmd_test.ko: $(B)/kmod/ucmd.ko tests/kmod/ucmd_test.c tests/kmod/ucmd_test.h kmod/ucmd_handler.h
	@mkdir -p $(KSRC)/tests/kmod
	@cp -p tests/kmod/*.c tests/kmod/*.h tests/kmod/Kbuild $(KSRC)/tests/kmod/
	@# kbuild does not relink when only ucmd.ko's symbol CRCs changed
	@$(KRUN) $(MAKE) -s -C $(KDIR) M=$(CURDIR)/$(KSRC)/tests/kmod clean
	$(KRUN) $(MAKE) -C $(KDIR) M=$(CURDIR)/$(KSRC)/tests/kmod modules
	@cp $(KSRC)/tests/kmod/ucmd_test.ko $@

# Kernel and module types for CO-RE, from the module's BTF on the headers'
# BTF-only vmlinux (the guest's /sys/kernel/btf/vmlinux is identical).
$(B)/bpf/vmlinux_ucmd.h: $(B)/kmod/ucmd.ko
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file $< -B $(KDIR)/vmlinux format c > $@

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
	-I$(B)/bpf -Ibpf -Iinclude/uapi -I/usr/include/$(shell uname -m)-linux-gnu

$(B)/bpf/%.bpf.o: bpf/%.bpf.c bpf/ucmd.bpf.h $(B)/bpf/vmlinux_ucmd.h $(UAPI)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(B)/tests/bpf/%.bpf.o: tests/bpf/%.bpf.c bpf/ucmd.bpf.h $(B)/bpf/vmlinux_ucmd.h $(UAPI)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(B)/tests/bpf/swap_deny.bpf.o: tests/bpf/swap_allow.bpf.c	# it includes it
$(B)/tests/bpf/rules_slow.bpf.o: bpf/rules.bpf.c	# it includes it
$(B)/bpf/rules.bpf.o $(B)/bpf/lsm.bpf.o $(B)/tests/bpf/rules_slow.bpf.o: bpf/rules_cond.bpf.h
$(B)/bpf/lsm.bpf.o: bpf/io_uring_compat.bpf.h
$(B)/tests/bpf/churn_timer.bpf.o: bpf/timer.bpf.c	# it includes it
$(B)/tests/bpf/tp_all.bpf.o $(B)/tests/guest/tracepoints: tests/bpf/tp_all.h
# An object built without -g: no BTF (tests/guest/bpf-load-errors.sh).
$(B)/tests/bpf/nobtf.bpf.o: tests/bpf/empty_handle.bpf.c bpf/ucmd.bpf.h $(B)/bpf/vmlinux_ucmd.h $(UAPI)
	$(CLANG) $(filter-out -g,$(BPF_CFLAGS)) -c $< -o $@

# Shell tests run in the guest as they are; lib.sh is sourced, not run.
$(B)/tests/guest/%: tests/guest/%.sh
	@mkdir -p $(@D)
	install -m 755 $< $@

$(B)/tests/guest/lib.sh: tests/guest/lib.sh
	@mkdir -p $(@D)
	install -m 644 $< $@

# The README's ucmdctl examples, for tests/guest/readme-examples.sh: every
# line of its sh blocks from "## ucmdctl" on that starts with "ucmdctl",
# comments stripped.
$(B)/tests/guest/readme-examples.cmds: README.md
	@mkdir -p $(@D)
	awk '/^## ucmdctl/ { on = 1 } /^```sh/ { blk = 1; next } /^```/ { blk = 0 } \
	     on && blk && /^ucmdctl / { sub(/ +#.*/, ""); print }' $< > $@

kmod: $(B)/kmod/ucmd.ko

$(B)/tests/obj/helpers.o: tests/guest/helpers.c tests/guest/helpers.h include/ucmd/ucmd_uring.h $(UAPI) | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/tests/guest/%: tests/guest/%.c $(B)/tests/obj/helpers.o tests/guest/helpers.h tests/kmod/ucmd_test.h $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/guest -Itests/kmod $(LDSTATIC) -o $@ $< $(B)/tests/obj/helpers.o -lbpf -lelf -lz -lzstd -luring -lpthread

# The fuzzer's model, checked on the host against hand-derived outcomes.
$(B)/tests/host/fuzz-model: tests/host/fuzz-model.c tests/host/expect.h tests/fuzz/model.c tests/fuzz/model.h $(UAPI) | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/fuzz -o $@ $< tests/fuzz/model.c

$(B)/tests/host/%: tests/host/%.c tests/host/expect.h $(UAPI) | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

# Skeletons of the BPF objects ucmdctl embeds (libbpf-bootstrap style).
$(B)/bpf/%.skel.h: $(B)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@

LOADER_SRC := $(wildcard loader/*.c)
$(B)/bin/ucmdctl: $(LOADER_SRC) loader/main.h loader/lsm.h bpf/ucmd_rules_user.h $(B)/bpf/trace.skel.h $(B)/bpf/trace_all.skel.h $(UAPI) | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I$(B)/bpf -DUCMD_LIBDIR='"$(ucmdlibdir)"' -DUCMD_VERSION='"$(VERSION)"' \
		$(LDSTATIC) -o $@ $(LOADER_SRC) -lbpf -lelf -lz -lzstd -luring -ljson-c -lcap

# Host tests print PASS/FAIL lines; their counts are carried into the
# guest runner's closing "N passed, N failed, N skipped" line.
# KVER other than the host's: the same host tests, then the guest suite on
# that kernel (tools/kernel.sh).
check: all
	@pass=0; fail=0; \
	for t in $(HOST_TESTS) $(HOST_SCRIPTS); do \
		n=$${t##*/}; n=$${n%.sh}; \
		if $$t; then echo "PASS host/$$n"; pass=$$((pass + 1)); \
		else echo "FAIL host/$$n"; fail=$$((fail + 1)); fi; \
	done; \
	if [ "$(KVER)" = "$(HOST_KVER)" ]; then \
		UCMD_PREV="$$pass $$fail 0" tools/vm/run.sh check; \
	else \
		UCMD_PREV="$$pass $$fail 0" tools/kernel.sh check "$(KVER)"; \
	fi

# The guest suite on every kernel of tools/kernels.conf, one after another;
# a table of kernels x results, then the summed "N passed, N failed" line.
check-kernels: guest
	@tools/check-kernels.sh

# The same guest suite on a kernel of our own with KASAN, lockdep,
# DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS and kmemleak (built once, cached under
# build/debug-kernel/; the first build takes a while on 2 cores).
DEBUG_B := build/debug
check-debug: $(B)/.deps
	@kdir=$$(tools/vm/debug-kernel.sh) && \
	$(MAKE) --no-print-directory B=$(DEBUG_B) KDIR=$$kdir guest && \
	UCMD_KERNEL=$$kdir/arch/x86/boot/bzImage UCMD_BUILD=$(CURDIR)/$(DEBUG_B) \
		UCMD_VM_TIMEOUT=2400 tools/vm/run.sh check

# The conformance checks of any .uring_cmd driver (tests/conformance/).
$(B)/bin/ucmd-conformance: tests/conformance/conformance.c $(B)/tests/obj/helpers.o tests/guest/helpers.h $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/guest $(LDSTATIC) -o $@ $< $(B)/tests/obj/helpers.o -luring -ljson-c -lcap

# Helpers the guest tests run (not tests themselves).
$(B)/bin/%: tests/tools/%.c $(B)/tests/obj/helpers.o tests/guest/helpers.h $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/guest $(LDSTATIC) -o $@ $< $(B)/tests/obj/helpers.o -luring -ljson-c -lcap

# The model-based fuzzer (tests/fuzz/), run in the guest by tests/guest/fuzz.sh.
FUZZ_SRC := $(wildcard tests/fuzz/*.c)
$(B)/bin/ucmd-fuzz: $(FUZZ_SRC) tests/fuzz/model.h tests/fuzz/kcov.h tests/kmod/ucmd_test.h $(UAPI) | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/fuzz -Itests/kmod $(LDSTATIC) -o $@ $(FUZZ_SRC) -lbpf -lelf -lz -lzstd -luring -lpthread

# The client example of docs/client.md, built as a user would (dynamic
# liburing is not in the guest: static here) and run by tests/guest/client-example.sh.
$(B)/bin/ucmd-echo-client: docs/examples/ucmd-echo-client.c include/ucmd/ucmd_uring.h $(UAPI) | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDSTATIC) -o $@ $< -luring

guest: $(B)/kmod/ucmd.ko $(B)/kmod/ucmd-nobtf.ko $(B)/kmod/ucmd_test.ko $(BPF_OBJS) $(B)/bin/ucmdctl $(B)/bin/trace-mix $(B)/bin/json-check $(B)/bin/run-as $(B)/bin/nvme-cmd $(B)/bin/ublk-ctrl $(B)/bin/ucmd-conformance $(B)/bin/ucmd-fuzz $(B)/bin/ucmd-echo-client \
	$(GUEST_TESTS) $(GUEST_SCRIPTS) $(B)/tests/guest/lib.sh $(B)/tests/guest/readme-examples.cmds \
	$(B)/stage/.installed $(B)/kit/.built

# make install into a staging tree, which the guest gets as /stage
# (tests/guest/install-layout.sh runs ucmdctl from there only).
$(B)/stage/.installed: $(B)/bin/ucmdctl $(BUNDLED_OBJS) $(MANPAGES) $(UAPI) include/ucmd/ucmd_uring.h \
		bpf/ucmd.bpf.h bpf/ucmd_progs.h tools/completion/ucmdctl tools/bpf-kit/ucmd-bpf.pc.in \
		tools/bpf-kit/ucmd-bpf.mk $(KIT_TEMPLATE)
	rm -rf $(B)/stage
	$(MAKE) --no-print-directory B=$(B) install DESTDIR=$(CURDIR)/$(B)/stage > /dev/null
	touch $@

# The template handler built from that tree only, with the commands
# docs/bpf-handlers.md gives (the client static: the guest has no
# liburing.so), for tests/guest/bpf-kit.sh.
$(B)/kit/.built: $(B)/stage/.installed
	rm -rf $(B)/kit
	export PKG_CONFIG_PATH=$(CURDIR)/$(B)/stage$(pkgconfigdir) && \
	cp -r "$$(pkg-config --variable=templatedir ucmd-bpf)" $(B)/kit && \
	$(MAKE) --no-print-directory -C $(B)/kit LDFLAGS=-static
	touch $@

demo: all
	@if [ "$(KVER)" = "$(HOST_KVER)" ]; then tools/vm/run.sh demo; \
	else tools/kernel.sh demo "$(KVER)"; fi

# The fuzzer alone, longer: make fuzz FUZZ_SECONDS=600 [FUZZ_SEED=N] [FUZZ_THREADS=N]
# KCOV=1: on the debug kernel with ucmd.ko built with KCOV_INSTRUMENT, the
# same seed without and with coverage feedback, edges over time side by
# side (tools/fuzz-kcov.sh; 2 x FUZZ_SECONDS).
FUZZ_SECONDS ?= 120
KCOV ?=
fuzz: $(if $(filter 1,$(KCOV)),$(B)/.deps,guest)
ifeq ($(KCOV),1)
	@tools/fuzz-kcov.sh "$(FUZZ_SECONDS)" "$(FUZZ_SEED)" "$(FUZZ_THREADS)"
else
	@UCMD_TESTS=fuzz UCMD_FUZZ="$(FUZZ_SECONDS):$(FUZZ_SEED):$(FUZZ_THREADS)" \
		UCMD_VM_TIMEOUT=$$(( $(FUZZ_SECONDS) + 300 )) tools/vm/run.sh check
endif

# Coverage of kmod/ by the guest suite and the fuzzer: the debug kernel,
# ucmd.ko with GCOV_PROFILE; per-file table, build/coverage/html/
# (tools/coverage.sh). Not part of make check.
coverage: $(B)/.deps
	@tools/coverage.sh

# Benchmarks: one guest boot, every configuration interleaved over rounds;
# tables, JSON and a chart under build/bench/. Not part of make check.
$(B)/kmod/ucmd_bare.ko: $(B)/kmod/ucmd.ko tools/bench/ucmd_bare.c tools/bench/Kbuild kmod/ucmd_handler.h kmod/ucmd_compat.h
	@mkdir -p $(KSRC)/tools/bench
	@cp -p tools/bench/ucmd_bare.c tools/bench/Kbuild $(KSRC)/tools/bench/
	@$(KRUN) $(MAKE) -s -C $(KDIR) M=$(CURDIR)/$(KSRC)/tools/bench clean
	$(KRUN) $(MAKE) -C $(KDIR) M=$(CURDIR)/$(KSRC)/tools/bench modules
	@cp $(KSRC)/tools/bench/ucmd_bare.ko $@

$(B)/bin/ucmd-bench: tools/bench/ucmd-bench.c $(UAPI) | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDSTATIC) -o $@ $< -luring -lpthread

bench: guest $(B)/kmod/ucmd_bare.ko $(B)/bin/ucmd-bench
	@tools/vm/run.sh bench

# The same with the guest clock counting instructions (one vCPU).
bench-icount: guest $(B)/kmod/ucmd_bare.ko $(B)/bin/ucmd-bench
	@UCMD_VM_ICOUNT=1 tools/vm/run.sh bench

clean:
	rm -rf $(KSRC) $(B)/kmod $(B)/tests $(B)/bin $(B)/vm

# Man pages: reStructuredText through rst2man, as bpftool's are.
$(B)/man/%: docs/man/%.rst VERSION | $(B)/.deps
	@mkdir -p $(@D)
	sed 's/@VERSION@/$(VERSION)/' $< | $(RST2MAN) --strict > $@

man: $(MANPAGES)


install: $(B)/bin/ucmdctl $(BUNDLED_OBJS) $(MANPAGES)
	$(INSTALL) -d $(DESTDIR)$(sbindir) $(DESTDIR)$(ucmdlibdir) \
		$(DESTDIR)$(includedir)/linux $(DESTDIR)$(includedir)/ucmd \
		$(DESTDIR)$(mandir)/man8 $(DESTDIR)$(mandir)/man4 $(DESTDIR)$(bashcompdir)
	$(INSTALL) -m 755 $(B)/bin/ucmdctl $(DESTDIR)$(sbindir)/ucmdctl
	$(INSTALL) -m 644 $(BUNDLED_OBJS) $(DESTDIR)$(ucmdlibdir)/
	$(INSTALL) -m 644 $(UAPI) $(DESTDIR)$(includedir)/linux/ucmd.h
	$(INSTALL) -m 644 include/ucmd/ucmd_uring.h bpf/ucmd.bpf.h bpf/ucmd_progs.h \
		$(B)/bpf/vmlinux_ucmd.h $(DESTDIR)$(includedir)/ucmd/
	$(INSTALL) -m 644 $(B)/man/ucmdctl.8 $(DESTDIR)$(mandir)/man8/
	$(INSTALL) -m 644 $(B)/man/ucmd.4 $(DESTDIR)$(mandir)/man4/
	$(INSTALL) -m 644 tools/completion/ucmdctl $(DESTDIR)$(bashcompdir)/ucmdctl
	$(INSTALL) -d $(DESTDIR)$(pkgconfigdir) $(DESTDIR)$(ucmddatadir)/template
	sed -e 's|@VERSION@|$(VERSION)|' \
		-e 's|@PC_TO_PREFIX@|$(call relpath,$(pkgconfigdir),$(prefix))|' \
		-e 's|@PREFIX_TO_INCLUDE@|$(call relpath,$(prefix),$(includedir))|' \
		-e 's|@PREFIX_TO_UCMDLIB@|$(call relpath,$(prefix),$(ucmdlibdir))|' \
		-e 's|@PREFIX_TO_DATA@|$(call relpath,$(prefix),$(datarootdir))|' \
		-e 's|@MULTIARCH@|$(shell $(CC) -print-multiarch)|' \
		tools/bpf-kit/ucmd-bpf.pc.in > $(DESTDIR)$(pkgconfigdir)/ucmd-bpf.pc
	$(INSTALL) -m 644 tools/bpf-kit/ucmd-bpf.mk $(DESTDIR)$(ucmddatadir)/
	$(INSTALL) -m 644 $(KIT_TEMPLATE) $(DESTDIR)$(ucmddatadir)/template/

uninstall:
	rm -f $(DESTDIR)$(sbindir)/ucmdctl $(DESTDIR)$(includedir)/linux/ucmd.h \
		$(DESTDIR)$(mandir)/man8/ucmdctl.8 $(DESTDIR)$(mandir)/man4/ucmd.4 \
		$(DESTDIR)$(bashcompdir)/ucmdctl
	rm -f $(addprefix $(DESTDIR)$(ucmdlibdir)/,$(notdir $(BUNDLED_OBJS)))
	rm -f $(addprefix $(DESTDIR)$(includedir)/ucmd/,ucmd_uring.h ucmd.bpf.h ucmd_progs.h vmlinux_ucmd.h)
	rm -f $(DESTDIR)$(pkgconfigdir)/ucmd-bpf.pc $(DESTDIR)$(ucmddatadir)/ucmd-bpf.mk \
		$(addprefix $(DESTDIR)$(ucmddatadir)/template/,$(notdir $(KIT_TEMPLATE)))
	-rmdir $(DESTDIR)$(ucmdlibdir) $(DESTDIR)$(includedir)/ucmd \
		$(DESTDIR)$(ucmddatadir)/template $(DESTDIR)$(ucmddatadir) 2>/dev/null

# The module's source as DKMS wants it: dkms.conf at the top, kmod/ and
# the UAPI header below (kmod/Kbuild includes ../include).
install-dkms:
	$(INSTALL) -d $(DESTDIR)$(dkmssrcdir)/kmod/probes $(DESTDIR)$(dkmssrcdir)/include/uapi/linux
	sed 's/@VERSION@/$(VERSION)/' dkms.conf > $(DESTDIR)$(dkmssrcdir)/dkms.conf
	$(INSTALL) -m 644 kmod/*.c kmod/*.h kmod/Kbuild kmod/Makefile $(DESTDIR)$(dkmssrcdir)/kmod/
	$(INSTALL) -m 755 kmod/probes.sh $(DESTDIR)$(dkmssrcdir)/kmod/
	$(INSTALL) -m 644 kmod/probes/*.c $(DESTDIR)$(dkmssrcdir)/kmod/probes/
	$(INSTALL) -m 644 $(UAPI) $(DESTDIR)$(dkmssrcdir)/include/uapi/linux/

uninstall-dkms:
	rm -rf $(DESTDIR)$(dkmssrcdir)

.PHONY: all deps kmod guest man install uninstall install-dkms uninstall-dkms check check-debug check-kernels demo fuzz coverage bench bench-icount clean
.DELETE_ON_ERROR:
