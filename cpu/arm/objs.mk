# Objects of cpu/arm/, one per line.
obj-y += cpu/arm/cpu.o
obj-y += cpu/arm/translate.o
obj-y += cpu/arm/mmu.o
obj-y += cpu/arm/translate-fp.o
obj-y += cpu/arm/translate-simd.o
obj-y += cpu/arm/translate-atomic.o
obj-y += cpu/arm/vfp_helper.o
obj-y += cpu/arm/simd_helper.o
obj-y += cpu/arm/crypto_helper.o
obj-y += cpu/arm/gdb.o
$(BUILD)/cpu/arm/vfp_helper.o: CFLAGS += -frounding-math
