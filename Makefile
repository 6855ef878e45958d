# hashpivot - one non-recursive GNU Makefile.
#
#   make                       build/hashpivot, build/libhashpivot.{a,so}
#   make check                 every test (unit, real chain, CLI golden)
#   make SANITIZE=address,undefined check
#                              the same under sanitizers (in build/san/)
#   make tsan-check            the threaded code under ThreadSanitizer
#                              (in build/tsan/)
#   make valgrind-check        the CLI golden tests under valgrind
#   make DEVELOPER=1           strict warnings, as errors
#   make install PREFIX=/opt/hp
#
# Dependencies are found with pkg-config (jansson, libcrypto; cmocka for
# tests). The README's two commands install them on a fresh Debian 12.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share/hashpivot
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

CC ?= cc
PKG_CONFIG ?= pkg-config
SOVERSION := 0
VERSION := 0.1.0

ifeq ($(FUZZ),1)
# `make fuzz`: the library and front end built by clang for libFuzzer, with
# ASan and UBSan (docs/testing.md, "Fuzzing").
OUT := build/fuzz
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
else ifeq ($(SANITIZE),)
OUT := build
SANFLAGS :=
else ifeq ($(SANITIZE),thread)
# ThreadSanitizer cannot be combined with ASan, so it has its own directory.
OUT := build/tsan
SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
else
OUT := build/san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

LIB_PKGS := jansson libcrypto lapacke sqlite3 libcurl
TEST_PKGS := cmocka
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(LIB_PKGS))
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(LIB_PKGS))
TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS := $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)
# libmicrohttpd, for `hashpivot serve`: the CLI's, never the library's.
CLI_PKGS := libmicrohttpd
CLI_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(CLI_PKGS))
CLI_LIBS := $(shell $(PKG_CONFIG) --libs $(CLI_PKGS))

WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wvla -Wundef -Wcast-align -Wwrite-strings
ifeq ($(DEVELOPER),1)
WARNINGS += -Werror -Wconversion -Wno-sign-conversion
endif

OPT ?= -O2 -g
CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -include src/banned.h
CFLAGS ?=
ALL_CFLAGS := -std=c11 $(OPT) $(WARNINGS) $(SANFLAGS) -fPIC -fvisibility=hidden \
	$(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS := $(SANFLAGS) $(LDFLAGS)
LIBS := $(PKG_LIBS) -lpthread -lm

LIB_SRC := $(wildcard src/core/*.c) $(wildcard src/io/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(OUT)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(OUT)/obj/%.o) $(OUT)/obj/gen/assets.o
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(OUT)/tests/%)
TEST_SUPPORT := $(wildcard tests/unit/support/*.c)
TEST_SUPPORT_OBJ := $(TEST_SUPPORT:%.c=$(OUT)/obj/%.o)

STATIC_LIB := $(OUT)/libhashpivot.a
SHARED_LIB := $(OUT)/libhashpivot.so.$(VERSION)
BIN := $(OUT)/hashpivot

.SECONDARY:
.PHONY: all check bench install uninstall clean fuzz fuzz-smoke fuzz-targets tsan-check \
	tsan-run valgrind-check
all: $(BIN) $(STATIC_LIB) $(SHARED_LIB)

$(OUT)/obj/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -DHP_BUILDING_LIBRARY $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(OUT)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests/unit -MMD -MP -c -o $@ $<

# The CLI is a client of the library like any other: it is compiled without
# HP_BUILDING_LIBRARY and links the static archive.
$(OUT)/obj/src/cli/%.o: src/cli/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CLI_CFLAGS) -MMD -MP -c -o $@ $<

# The web page (web/) and Debian's Chart.js are compiled into the binary
# (src/cli/assets.h): the server serves them from memory and reports inline
# them, so neither ever opens a file at run time.
CHARTJS ?= /usr/share/javascript/chart.js/chart.min.js
WEB_FILES := $(sort $(wildcard web/*))
$(OUT)/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 -Wall -Wextra -o $@ $<
$(OUT)/gen/assets.c: $(OUT)/tools/embed $(WEB_FILES) $(CHARTJS)
	@mkdir -p $(@D)
	$(OUT)/tools/embed $@ $(foreach f,$(WEB_FILES),$(notdir $(f))=$(f)) chart.min.js=$(CHARTJS)
$(OUT)/obj/gen/assets.o: $(OUT)/gen/assets.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Isrc/cli $(ALL_CFLAGS) -c -o $@ $<

$(STATIC_LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libhashpivot.so.$(SOVERSION) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)
	ln -sf libhashpivot.so.$(VERSION) $(OUT)/libhashpivot.so.$(SOVERSION)
	ln -sf libhashpivot.so.$(VERSION) $(OUT)/libhashpivot.so

$(BIN): $(CLI_OBJ) $(STATIC_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC_LIB) $(LIBS) $(CLI_LIBS)

# hashpivot-mpi: the front end without its main(), plus src/mpi/main.c,
# compiled and linked with Open MPI's wrapper (built when mpicc is there,
# and not under sanitizers: Open MPI's own allocations are not ours).
MPICC ?= mpicc
MPI_BIN := $(OUT)/hashpivot-mpi
ifeq ($(SANITIZE),)
ifneq ($(shell command -v $(MPICC) 2>/dev/null),)
all: $(MPI_BIN)
endif
endif
$(OUT)/obj/src/mpi/main.o: src/mpi/main.c
	@mkdir -p $(@D)
	$(MPICC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
$(MPI_BIN): $(OUT)/obj/src/mpi/main.o $(filter-out %/hashpivot.o,$(CLI_OBJ)) $(STATIC_LIB)
	$(MPICC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(CLI_LIBS)

$(OUT)/tests/%: $(OUT)/obj/tests/unit/%.o $(TEST_SUPPORT_OBJ) $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TEST_SUPPORT_OBJ) $(STATIC_LIB) $(TEST_LIBS) $(LIBS)
# test_output checks the front end's output guards: it links the front
# end's objects without its main().
$(OUT)/tests/test_output: $(OUT)/obj/tests/unit/test_output.o $(TEST_SUPPORT_OBJ) \
		$(filter-out %/hashpivot.o,$(CLI_OBJ)) $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TEST_SUPPORT_OBJ) $(filter-out %/hashpivot.o,$(CLI_OBJ)) \
		$(STATIC_LIB) $(TEST_LIBS) $(LIBS) $(CLI_LIBS)

# The chain test server and its fixture miner (tests/chainsrv/, for the
# sync tests): test tools, built for `make check`, never installed.
CHAINSRV_BIN := $(OUT)/tests/chainsrv $(OUT)/tests/mkchain
$(OUT)/tests/chainsrv: tests/chainsrv/chainsrv.c $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CLI_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC_LIB) \
		$(LIBS) $(CLI_LIBS)
$(OUT)/tests/mkchain: tests/chainsrv/mkchain.c $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC_LIB) $(LIBS)

# Fuzz targets (tests/fuzz/fuzz_*.c, each an LLVMFuzzerTestOneInput; see
# docs/testing.md, "Fuzzing"). Each is linked twice: with tests/fuzz/replay.c, a
# main() that feeds it files, by the ordinary compiler, so that `make check`
# replays the seed corpora and every kept crasher (plain and sanitized); and
# by `make fuzz` with clang's libFuzzer into build/fuzz/bin/. The targets may
# call the front end, so they link its objects without its main().
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/%.c=%)
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(OUT)/fuzz-replay/%)
FUZZ_LINK := $(filter-out %/hashpivot.o,$(CLI_OBJ)) $(STATIC_LIB)
$(OUT)/obj/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Isrc/cli -Itests/fuzz $(ALL_CFLAGS) $(CLI_CFLAGS) -MMD -MP -c -o $@ $<
$(OUT)/fuzz-replay/%: $(OUT)/obj/tests/fuzz/%.o $(OUT)/obj/tests/fuzz/replay.o $(FUZZ_LINK)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(OUT)/obj/tests/fuzz/replay.o $(FUZZ_LINK) $(LIBS) $(CLI_LIBS)
$(OUT)/bin/%: $(OUT)/obj/tests/fuzz/%.o $(FUZZ_LINK)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LINK) $(LIBS) $(CLI_LIBS)
fuzz-targets: $(FUZZ_NAMES:%=$(OUT)/bin/%)

FUZZ_CC ?= clang
fuzz:
	$(MAKE) FUZZ=1 CC=$(FUZZ_CC) fuzz-targets
# Each target for FUZZ_SECONDS (default 15) from its seeds and kept crashers.
FUZZ_SECONDS ?= 15
fuzz-smoke: fuzz
	@sh tests/fuzz/smoke.sh build/fuzz $(FUZZ_SECONDS)

# Every test: unit binaries (they find tests/data and data/ from the top of
# the tree) and the CLI golden cases, with one summary line at the end.
check: all $(TEST_BIN) $(CHAINSRV_BIN) $(FUZZ_REPLAY)
	@sh tests/run.sh $(OUT)

# The threaded code under ThreadSanitizer: the unit tests that run threads
# and the threaded commands on small scenarios (tests/tsan.sh; docs/testing.md,
# "Sanitizers").
TSAN_TESTS := test_industry test_pivot test_treasury test_stats
tsan-check:
	$(MAKE) SANITIZE=thread tsan-run
tsan-run: $(BIN) $(TSAN_TESTS:%=$(OUT)/tests/%)
	@sh tests/tsan.sh $(OUT)

# The CLI golden tests with the binary under valgrind (memcheck): any error
# or definite leak fails the case (tests/cli/run.sh honours HP_WRAP).
VALGRIND ?= valgrind
VALGRIND_JOBS ?= 2
valgrind-check: $(BIN)
	@HP_WRAP="$(VALGRIND) -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite" \
		HP_JOBS=$(VALGRIND_JOBS) sh tests/cli/run.sh $(BIN)

# Benchmarks (bench/README.md records their results): built -O2 like the library.
BENCH_SRC := $(wildcard bench/bench_*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(OUT)/bench/%)
$(OUT)/bench/%: bench/%.c $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC_LIB) $(LIBS)

bench: $(BENCH_BIN)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/hashpivot \
		$(DESTDIR)$(DATADIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/hashpivot
	if [ -x $(MPI_BIN) ]; then install -m 755 $(MPI_BIN) $(DESTDIR)$(BINDIR)/hashpivot-mpi; fi
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/libhashpivot.a
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/libhashpivot.so.$(VERSION)
	ln -sf libhashpivot.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libhashpivot.so.$(SOVERSION)
	ln -sf libhashpivot.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libhashpivot.so
	install -m 644 include/hashpivot/*.h $(DESTDIR)$(INCLUDEDIR)/hashpivot/
	install -m 644 data/*.csv data/*.txt data/*.json data/SOURCES.md $(DESTDIR)$(DATADIR)/
	install -d $(DESTDIR)$(DATADIR)/scenarios
	install -m 644 data/scenarios/*.json $(DESTDIR)$(DATADIR)/scenarios/
	# hashpivot.pc is written at install time so that it names this PREFIX.
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@REQUIRES@|$(LIB_PKGS)|' hashpivot.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/hashpivot.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hashpivot $(DESTDIR)$(BINDIR)/hashpivot-mpi $(DESTDIR)$(LIBDIR)/libhashpivot.*
	rm -rf $(DESTDIR)$(INCLUDEDIR)/hashpivot $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(PKGCONFIGDIR)/hashpivot.pc

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(FUZZ_SRC:tests/%.c=$(OUT)/obj/tests/%.d) $(OUT)/obj/src/mpi/main.d $(TEST_BIN:$(OUT)/tests/%=$(OUT)/obj/tests/unit/%.d)
