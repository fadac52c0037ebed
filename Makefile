# arv — one Makefile, GNU make, no generator.
#   make            build ./arv and lib/libarv.a
#   make test       unit tests, model-vs-TFLite goldens, CLI tests, fuzz corpus
#   make test-san   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make models     fetch the models from npm and verify them (scripts/fetch-models),
#                   then make their int8 variants (scripts/make-int8-models)
#   make deps       install the Debian packages (as root, or through sudo)
#   make install PREFIX=/usr/local
#   make fuzz       build the libFuzzer targets (clang)

CC      ?= cc
OPT     ?= -O2 -g
PREFIX  ?= /usr/local
BUILD   ?= build
SAN     ?=

WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
DEFS    := -D_POSIX_C_SOURCE=200809L
CFLAGS_ALL = $(WARN) $(DEFS) $(OPT) $(SANFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(SANFLAGS) $(LDFLAGS)

ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
BUILD    := build-san
endif

# Libraries of src/ and cmd/ (lib/ uses none of them).
PKGS        := libcjson libpng libjpeg libavformat libavcodec libswscale libavutil
# Asked of pkg-config when first used, not when the Makefile is read: in
# `make deps models ...` the packages are installed only by the first goal.
PKG_CFLAGS   = $(eval PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null))$(PKG_CFLAGS)
PKG_LIBS     = $(eval PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcjson -lpng16 -ljpeg -lavformat -lavcodec -lswscale -lavutil))$(PKG_LIBS)
CHECK_CFLAGS = $(eval CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null))$(CHECK_CFLAGS)
CHECK_LIBS   = $(eval CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm -lpthread))$(CHECK_LIBS)

# Per-ISA kernels: each directory is built only for its architecture, each
# file with its own -m flags; the rest of lib/ gets no -m/-march flags, so
# the library runs on any x86-64 and picks the table at run time.
TARGET_ARCH_NAME := $(shell $(CC) -dumpmachine 2>/dev/null)
ISA_DIRS_ALL := lib/kernels/x86 lib/kernels/arm
ifneq (,$(findstring x86_64,$(TARGET_ARCH_NAME)))
ISA_SRC := $(wildcard lib/kernels/x86/*.c)
DEFS    += -DARV_HAVE_X86_KERNELS
else ifneq (,$(findstring aarch64,$(TARGET_ARCH_NAME)))
ISA_SRC := $(wildcard lib/kernels/arm/*.c)
DEFS    += -DARV_HAVE_NEON_KERNELS
endif
LIB_SRC := $(sort $(filter-out $(addsuffix /%,$(ISA_DIRS_ALL)),$(shell find lib -name '*.c')) $(ISA_SRC))
SRC_SRC := $(sort $(shell find src -name '*.c'))
CMD_SRC := $(sort $(wildcard cmd/*.c))
TEST_SRC:= $(sort $(wildcard tests/unit/test_*.c))
TEST_SUPPORT := $(sort $(wildcard tests/support/*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
SRC_OBJ := $(SRC_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ := $(CMD_SRC:%.c=$(BUILD)/%.o)
TEST_SUPPORT_OBJ := $(TEST_SUPPORT:%.c=$(BUILD)/%.o)
TEST_BIN:= $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

LIBARV  := $(BUILD)/lib/libarv.a
ARV     := $(BUILD)/arv

.PHONY: all test test-unit test-cli test-san models deps install fuzz clean demo

all: $(ARV) lib/libarv.a arv

arv: $(ARV)
	cp $(ARV) arv

lib/libarv.a: $(LIBARV)
	cp $(LIBARV) $@

$(LIBARV): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# lib/ sees only libc, libm, pthreads and its own headers.
$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(ISA_FLAGS) -Ilib -MMD -MP -c $< -o $@

# ISA flags come last so that a CFLAGS=-march=... cannot take them away.
$(BUILD)/lib/kernels/x86/avx2_%.o: ISA_FLAGS := -mavx2 -mfma -mf16c
$(BUILD)/lib/kernels/x86/avx512_%.o: ISA_FLAGS := -mavx512f -mavx512bw -mavx512vl -mavx512dq -mfma -mf16c -mavx2
$(BUILD)/lib/kernels/x86/avx512vnni_%.o: ISA_FLAGS := -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni -mfma -mf16c -mavx2

# src/ is mostly pixel loops written to vectorize. GCC at -O2 vectorizes
# only loops that need no scalar tail ("very cheap" cost model); its usual
# model more than doubles the speed of the frame passes (segment's blur
# composite: 6.1 -> 2.5 ms a 720p frame). Vectorizing does not reorder float
# sums without -ffast-math, so results do not change. Clang vectorizes at
# -O2 already and does not take the option.
VEC_FLAGS := $(shell $(CC) -Werror -fvect-cost-model=dynamic -x c -c /dev/null -o /dev/null 2>/dev/null && echo -ftree-vectorize -fvect-cost-model=dynamic)

$(BUILD)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(VEC_FLAGS) -Ilib -Isrc $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/cmd/%.o: cmd/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Ilib -Isrc -Icmd $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(ARV): $(CMD_OBJ) $(SRC_OBJ) $(LIBARV)
	$(CC) $(LDFLAGS_ALL) -o $@ $(CMD_OBJ) $(SRC_OBJ) $(LIBARV) $(PKG_LIBS) -lm -lpthread

# Unit tests may reach into lib/ internals (they test kernels directly).
$(BUILD)/tests/support/%.o: tests/support/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Ilib -Isrc -Itests $(CHECK_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c $(TEST_SUPPORT_OBJ) $(SRC_OBJ) $(LIBARV)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Ilib -Isrc -Itests $(CHECK_CFLAGS) $(PKG_CFLAGS) -MMD -MP \
	    $< $(TEST_SUPPORT_OBJ) $(SRC_OBJ) $(LIBARV) -o $@ $(LDFLAGS_ALL) $(CHECK_LIBS) $(PKG_LIBS) -lm -lpthread

test-unit: $(TEST_BIN)
	@f=0; for t in $(TEST_BIN); do echo "== $$t"; CK_FORK=no $$t || f=$$((f+1)); done; test $$f = 0 || { echo "$$f unit test program(s) failed"; exit 1; }

test-cli: $(ARV)
	@f=0; for t in $(sort $(wildcard tests/cli/test_*.sh)); do echo "== $$t"; ARV=$(abspath $(ARV)) bash $$t || f=$$((f+1)); done; test $$f = 0 || { echo "$$f CLI test script(s) failed"; exit 1; }

test: test-unit test-cli

test-san:
	$(MAKE) SAN=1 test

# Fetch the models, then make their int8 variants (models/int8/, calibrated
# on testdata/calib/) with the arv built here: a fresh clone runs
# `make models` before `make test`, so ./arv is built first.
models: arv
	scripts/fetch-models
	scripts/make-int8-models

deps:
	scripts/install-deps

demo: all
	scripts/demo

FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
# Every target links lib/ and the src/ objects (the media targets need
# src/media and, through it, libjpeg, libpng and libav*), all built by clang
# with the fuzzer's sanitizers; the system libraries are not instrumented.
FUZZ_SRC_OBJ := $(SRC_SRC:%.c=build-fuzz/%.o)
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g" SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined" build-fuzz/lib/libarv.a $(FUZZ_SRC_OBJ)
	@mkdir -p build-fuzz/fuzz
	@for f in $(wildcard tests/fuzz/fuzz_*.c); do n=$$(basename $$f .c); \
	  echo "clang $$f -> build-fuzz/fuzz/$$n"; \
	  clang $(WARN) $(DEFS) -O1 -g -fsanitize=fuzzer,address,undefined -Ilib -Isrc -Itests $(PKG_CFLAGS) \
	    $$f $(FUZZ_SRC_OBJ) build-fuzz/lib/libarv.a $(PKG_LIBS) -lm -lpthread -o build-fuzz/fuzz/$$n || exit 1; done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/arv/models \
	    $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(ARV) $(DESTDIR)$(PREFIX)/bin/arv
	install -m 644 lib/libarv.a $(DESTDIR)$(PREFIX)/lib/libarv.a
	install -m 644 lib/arv.h $(DESTDIR)$(PREFIX)/include/arv.h
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	for f in models/*.tflite models/*.txt; do [ -f "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(PREFIX)/share/arv/models/ || true; done
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(shell sed -n 's/#define ARV_VERSION "\(.*\)"/\1/p' lib/arv.h)|' \
	    scripts/arv.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/arv.pc

clean:
	rm -rf build build-san build-fuzz arv lib/libarv.a

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
