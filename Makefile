# hullscan: a thin facade over Meson + Ninja (see STYLE.md "Build").
#
#   make / make all   install missing Debian packages, configure build/ once,
#                     ninja -C build  -> ./build/hullscan
#   make check        gcc build (werror) with every suite, then an ASan+UBSan
#                     build (build-asan/) with unit rules parser conformance
#                     cli fuzz-replay; last line "N passed, N failed, N skipped"
#   make asan         only the ASan+UBSan half of `make check`
#   make demo         build, then run hullscan on examples/ (scripts/demo.sh)
#   make fuzz         libFuzzer builds in build-fuzz/ (clang), each target run
#                     FUZZ_SECONDS (default 60); FUZZ_TARGETS=... picks some.
#                     The library is built with -fsanitize=fuzzer-no-link so
#                     libFuzzer sees its coverage (fuzz/meson.build only adds
#                     -fsanitize=fuzzer to the fuzz_<t>.c objects), and without
#                     werror (clang warns where gcc, the werror gate, does not)
#   make bench        build, then bench/run.sh when there is one
#   make install      meson install, PREFIX (absolute, default /usr/local);
#                     DESTDIR is honoured by meson
#   make format       clang-format -i over src tests fuzz bench
#   make checksrc     banned functions + clang-format report (scripts/checksrc.sh)
#   make clean        remove build build-asan build-fuzz
#
# All logic with more than a line or two lives in scripts/.

PREFIX ?= /usr/local
FUZZ_SECONDS ?= 60
# fuzz targets: the fuzz_targets list in fuzz/meson.build, else fuzz/fuzz_*.c
FUZZ_TARGETS := $(shell sed -n "/^fuzz_targets *= *\[/,/\]/s/^[[:space:]]*'\([A-Za-z0-9_]*\)'.*/\1/p" fuzz/meson.build 2>/dev/null)
ifeq ($(strip $(FUZZ_TARGETS)),)
FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
endif
# generated; never reformat
FORMAT_EXCLUDE := src/basic/utf8_print_table.h
FORMAT_FILES = $(filter-out $(FORMAT_EXCLUDE),$(shell find src tests fuzz bench -name '*.[ch]' 2>/dev/null | sort))

comma := ,
# $(call setup,DIR,ARGS,CC): configure DIR with meson unless it has
# build.ninja (--reconfigure when an earlier setup left a tree without one)
define setup
	@if [ ! -f $(1)/build.ninja ]; then \
		r=; [ -f $(1)/meson-private/coredata.dat ] && r=--reconfigure; \
		echo "CC=$(3) meson setup $${r:+$$r }$(1) $(2)"; \
		CC=$(3) meson setup $$r $(1) $(2); \
	fi
endef

.PHONY: all deps check asan demo fuzz bench install format checksrc clean

all: deps
	$(call setup,build,--prefix=$(PREFIX),gcc)
	ninja -C build

deps:
	@bash scripts/deps.sh

check: deps
	@bash scripts/check.sh

asan: deps
	@bash scripts/check.sh asan

demo: all
	@bash scripts/demo.sh

fuzz:
	@bash scripts/deps.sh fuzz
	$(call setup,build-fuzz,-Dfuzz=true -Db_sanitize=address$(comma)undefined -Db_lundef=false -Dwerror=false -Dc_args=-fsanitize=fuzzer-no-link,clang)
	ninja -C build-fuzz
	@fail=0; for t in $(FUZZ_TARGETS); do \
		new=build-fuzz/corpus-new/$$t; art=build-fuzz/artifacts/$$t; \
		mkdir -p $$new $$art; \
		dict=; [ -f fuzz/$$t.dict ] && dict=-dict=fuzz/$$t.dict; \
		seed=; [ -d fuzz/corpus/$$t ] && seed=fuzz/corpus/$$t; \
		echo "==> fuzz_$$t for $(FUZZ_SECONDS)s (new inputs: $$new, crashes: $$art/)"; \
		build-fuzz/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$$art/ $$dict $$new $$seed || { fail=1; echo "==> fuzz_$$t FAILED"; }; \
	done; exit $$fail

bench: all
	@if [ -f bench/run.sh ]; then bash bench/run.sh; else echo "bench: no bench/run.sh yet"; fi

install: deps
	$(call setup,build,--prefix=$(PREFIX),gcc)
	@cur=$$(meson introspect build --buildoptions | python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))'); \
	if [ "$$cur" != "$(PREFIX)" ]; then \
		echo "meson configure build -Dprefix=$(PREFIX)   (was $$cur)"; \
		meson configure build -Dprefix=$(PREFIX); \
	fi
	ninja -C build
	meson install -C build --no-rebuild

format:
	@bash scripts/deps.sh format
	clang-format -i $(FORMAT_FILES)

checksrc:
	@bash scripts/checksrc.sh

clean:
	rm -rf build build-asan build-fuzz
