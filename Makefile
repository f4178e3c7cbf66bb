# SPDX-License-Identifier: MIT
# Machina build.  Objects go to build/; each source directory lists its
# objects in objs.mk, one per line.

BUILD ?= build
-include $(BUILD)/config.mak

ifeq ($(wildcard $(BUILD)/config.mak),)
# check and run-installer install the build dependencies first.
check:
	@scripts/check.sh
run-installer:
	@scripts/run-installer.sh
all bench install unit guest-tests soak: $(BUILD)/config.mak
	@$(MAKE) --no-print-directory $@
$(BUILD)/config.mak:
	@mkdir -p $(BUILD) && cd $(BUILD) && ../configure
else

ifneq ($(V),1)
Q = @
endif

obj-y :=
unit-tests :=
include system/objs.mk chardev/objs.mk tcg/objs.mk accel/tcg/objs.mk \
        cpu/riscv/objs.mk cpu/arm/objs.mk hw/objs.mk block/objs.mk \
        monitor/objs.mk gdbstub/objs.mk net/objs.mk tests/unit/objs.mk \
        ui/objs.mk hw/display/objs.mk

objs := $(addprefix $(BUILD)/,$(obj-y))
main-obj := $(BUILD)/system/main.o
lib-objs := $(filter-out $(main-obj),$(objs))
targets := $(BUILD)/machina-system-riscv64 $(BUILD)/machina-system-aarch64
unit-bins := $(addprefix $(BUILD)/tests/unit/,$(unit-tests))

all: $(targets)

$(BUILD)/%.o: %.c $(BUILD)/config.mak
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libmachina.a: $(lib-objs)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/machina-system-riscv64: $(main-obj) $(BUILD)/libmachina.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(main-obj) -Wl,--whole-archive \
	    $(BUILD)/libmachina.a -Wl,--no-whole-archive $(LIBS)

# One program for every guest architecture: main() picks it from argv[0].
$(BUILD)/machina-system-aarch64: $(BUILD)/machina-system-riscv64
	@echo "  LN      $@"
	$(Q)ln -f $< $@

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(BUILD)/libmachina.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libmachina.a $(LIBS) -lcmocka

unit: $(unit-bins)
	$(Q)scripts/run-unit.sh $(unit-bins)

guest-tests:
	$(Q)$(MAKE) --no-print-directory -C tests/guest/riscv64 \
	    OUT=$(abspath $(BUILD))/tests/guest/riscv64
	$(Q)if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory -C tests/guest/aarch64 \
	        OUT=$(abspath $(BUILD))/tests/guest/aarch64; \
	else \
	    echo "guest-tests: aarch64-linux-gnu-gcc missing, aarch64 skipped"; \
	fi

check:
	$(Q)scripts/check.sh

run-installer:
	$(Q)scripts/run-installer.sh

bench: all
	$(Q)scripts/bench.sh

# Long leak/fd soak (SOAK_SECONDS, default 600); not part of check.
soak: all
	$(Q)MACHINA_BUILD=$(abspath $(BUILD)) scripts/soak.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(targets) $(DESTDIR)$(PREFIX)/bin/

include tests/fuzz/fuzz.mk

-include $(objs:.o=.d) $(unit-bins:=.d)
endif

# Outside both branches: it configures its own build (build-san/).
check-sanitizers:
	@scripts/check-sanitizers.sh

clean:
	rm -rf $(BUILD)

.PHONY: all check bench install unit guest-tests run-installer clean soak
.PHONY: check-sanitizers
.SECONDARY:
