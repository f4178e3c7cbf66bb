# SPDX-License-Identifier: MIT
# libFuzzer targets (tests/fuzz/README.md); included by the top Makefile.
# Only the code under test is built with clang's coverage and ASan; the
# rest comes from the normal libmachina.a.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer
FUZZ_CFLAGS := $(filter-out -O2 -Werror,$(CFLAGS)) -O1 -g $(FUZZ_FLAGS)
fuzz-dir := $(BUILD)/fuzz

fuzz-targets := fuzz-virtqueue fuzz-qcow2
fuzz-srcs-fuzz-virtqueue := tests/fuzz/fuzz-virtqueue.c hw/virtio/virtio.c
fuzz-srcs-fuzz-qcow2 := tests/fuzz/fuzz-qcow2.c block/qcow2.c block/block.c
fuzz-bins := $(addprefix $(fuzz-dir)/,$(fuzz-targets))

$(fuzz-dir)/%.fo: %.c $(BUILD)/config.mak
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

.SECONDEXPANSION:
$(fuzz-bins): $(fuzz-dir)/%: \
        $$(addprefix $(fuzz-dir)/,$$(fuzz-srcs-%:.c=.fo)) $(BUILD)/libmachina.a
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address -o $@ \
	    $(filter %.fo,$^) $(BUILD)/libmachina.a $(LIBS)

fuzz-build: $(fuzz-bins)

fuzz: fuzz-build
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS) $(fuzz-bins)

.PHONY: fuzz fuzz-build
