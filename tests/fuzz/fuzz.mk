# SPDX-License-Identifier: MIT
# libFuzzer targets (tests/fuzz/README.md); included by the top Makefile.
# Only the code under test is built with clang's coverage and ASan; the
# rest comes from the normal libmachina.a.  Every source is compiled once
# into $(BUILD)/fuzz/ and shared by the targets that list it.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer
FUZZ_CFLAGS := $(filter-out -O2 -Werror,$(CFLAGS)) -O1 -g $(FUZZ_FLAGS)
fuzz-dir := $(BUILD)/fuzz

fuzz-targets := fuzz-virtqueue fuzz-qcow2 fuzz-virtio-mmio fuzz-pci \
    fuzz-uart fuzz-intc fuzz-platform fuzz-fw-cfg fuzz-loader \
    fuzz-boot fuzz-options fuzz-qmp fuzz-hmp fuzz-gdbstub

fuzz-dev := tests/fuzz/fuzz-dev.c
fuzz-virtio-devs := hw/virtio/virtio.c hw/virtio/virtio-blk.c \
    hw/virtio/virtio-net.c hw/virtio/virtio-console.c \
    hw/virtio/virtio-rng.c hw/display/virtio-gpu.c
# Monitor and gdbstub targets: client output and host-reaching commands
# are diverted (tests/fuzz/fuzz-wrap.c).
fuzz-wrap-ld := -Wl,--wrap=send,--wrap=screendump,--wrap=gdbserver_start

fuzz-srcs-fuzz-virtqueue := tests/fuzz/fuzz-virtqueue.c hw/virtio/virtio.c
fuzz-srcs-fuzz-qcow2 := tests/fuzz/fuzz-qcow2.c block/qcow2.c block/block.c
fuzz-srcs-fuzz-virtio-mmio := tests/fuzz/fuzz-virtio-mmio.c $(fuzz-dev) \
    hw/virtio/virtio-mmio.c $(fuzz-virtio-devs)
fuzz-srcs-fuzz-pci := tests/fuzz/fuzz-pci.c $(fuzz-dev) \
    hw/pci-host/gpex.c hw/pci/pci.c hw/virtio/virtio-pci.c hw/net/e1000.c \
    hw/display/vga.c hw/display/vbe.c \
    $(fuzz-virtio-devs)
fuzz-srcs-fuzz-uart := tests/fuzz/fuzz-uart.c $(fuzz-dev) \
    hw/char/uart16550.c hw/char/uart16550_mmio.c hw/char/pl011.c \
    hw/char/pl011_mmio.c
fuzz-srcs-fuzz-intc := tests/fuzz/fuzz-intc.c $(fuzz-dev) \
    hw/intc/arm_gic.c hw/intc/arm_gicv3.c hw/intc/sifive_plic.c \
    hw/intc/riscv_aclint.c
fuzz-ld-fuzz-intc := -Wl,--wrap=arm_cpu_set_gic_sysreg
fuzz-srcs-fuzz-platform := tests/fuzz/fuzz-platform.c $(fuzz-dev) \
    hw/rtc/pl031.c hw/gpio/pl061.c hw/block/pflash_cfi01.c \
    hw/rtc/goldfish_rtc.c hw/misc/sifive_test.c
fuzz-srcs-fuzz-fw-cfg := tests/fuzz/fuzz-fw-cfg.c $(fuzz-dev) \
    hw/nvram/fw_cfg.c
fuzz-srcs-fuzz-loader := tests/fuzz/fuzz-loader.c system/loader.c
# fuzz-boot.c #includes hw/arm/virt.c.
fuzz-srcs-fuzz-boot := tests/fuzz/fuzz-boot.c system/loader.c
fuzz-ld-fuzz-boot := -Wl,--wrap=fatal,--wrap=rom_add_image \
    -Wl,--wrap=rom_add_elf,--wrap=load_file,--wrap=mc_malloc0
fuzz-srcs-fuzz-options := tests/fuzz/fuzz-options.c system/options.c
# fuzz-qmp.c and fuzz-gdbstub.c #include the file under test.
fuzz-srcs-fuzz-qmp := tests/fuzz/fuzz-qmp.c $(fuzz-dev) \
    tests/fuzz/fuzz-wrap.c monitor/hmp.c
fuzz-ld-fuzz-qmp := $(fuzz-wrap-ld)
fuzz-srcs-fuzz-hmp := tests/fuzz/fuzz-hmp.c $(fuzz-dev) \
    tests/fuzz/fuzz-wrap.c monitor/hmp.c
fuzz-ld-fuzz-hmp := $(fuzz-wrap-ld)
fuzz-srcs-fuzz-gdbstub := tests/fuzz/fuzz-gdbstub.c $(fuzz-dev) \
    tests/fuzz/fuzz-wrap.c
fuzz-ld-fuzz-gdbstub := $(fuzz-wrap-ld)
fuzz-bins := $(addprefix $(fuzz-dir)/,$(fuzz-targets))

fuzz-objs := $(sort $(foreach t,$(fuzz-targets), \
    $(addprefix $(fuzz-dir)/,$(fuzz-srcs-$(t):.c=.fo))))
-include $(fuzz-objs:.fo=.d)

$(fuzz-dir)/%.fo: %.c $(BUILD)/config.mak
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

.SECONDEXPANSION:
$(fuzz-bins): $(fuzz-dir)/%: \
        $$(addprefix $(fuzz-dir)/,$$(fuzz-srcs-%:.c=.fo)) $(BUILD)/libmachina.a
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address $(fuzz-ld-$*) -o $@ \
	    $(filter %.fo,$^) $(BUILD)/libmachina.a $(LIBS)

fuzz-build: $(fuzz-bins)

fuzz: fuzz-build
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS) $(fuzz-bins)

.PHONY: fuzz fuzz-build
