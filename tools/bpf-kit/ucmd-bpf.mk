# ucmd-bpf.mk: include it from a handler's Makefile to build NAME.bpf.o
# from NAME.bpf.c with the flags of ucmd-bpf.pc (docs/bpf-handlers.md):
#
#	include $(shell pkg-config --variable=mkfile ucmd-bpf)
#	all: myop.bpf.o
#
# It checks the compiler first: clang older than 19 compiles a handler
# that then fails to load ("func_proto incompatible", unbounded access),
# so that is an error here, naming the package to install. Set UCMD_CLANG
# to use another clang; PKG_CONFIG_PATH to use another ucmd-bpf.pc.
PKG_CONFIG ?= pkg-config
ucmd_pc = $(shell $(PKG_CONFIG) $(1) ucmd-bpf 2> /dev/null)
UCMD_BPF_CFLAGS := $(call ucmd_pc,--cflags)
ifeq ($(UCMD_BPF_CFLAGS),)
$(error ucmd-bpf.pc not found by $(PKG_CONFIG): install ucmd (make install), or set PKG_CONFIG_PATH to its lib/pkgconfig)
endif
UCMD_CLIENT_CFLAGS := $(call ucmd_pc,--variable=client_cflags)
UCMD_CLANG ?= $(call ucmd_pc,--variable=clang)
ucmd_clang_min := $(call ucmd_pc,--variable=clang_min)
ucmd_clang_pkg := $(call ucmd_pc,--variable=clang_package)
ucmd_clang_major := $(firstword $(subst ., ,$(shell $(UCMD_CLANG) -dumpversion 2> /dev/null)))
ifeq ($(ucmd_clang_major),)
$(error $(UCMD_CLANG) not found: a ucmd BPF object needs clang $(ucmd_clang_min) or newer (Debian 12: apt install $(ucmd_clang_pkg); or set UCMD_CLANG))
endif
ifneq ($(shell [ $(ucmd_clang_major) -ge $(ucmd_clang_min) ] && echo ok),ok)
$(error $(UCMD_CLANG) is clang $(ucmd_clang_major): a ucmd BPF object needs clang $(ucmd_clang_min) or newer, whose objects load (apt install $(ucmd_clang_pkg); or set UCMD_CLANG))
endif

# -g is what gives the object BTF: without it libbpf cannot open it.
%.bpf.o: %.bpf.c
	$(UCMD_CLANG) $(UCMD_BPF_CFLAGS) -Wall $(UCMD_BPF_EXTRA_CFLAGS) -c $< -o $@
