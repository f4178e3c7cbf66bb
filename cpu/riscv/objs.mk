# Objects of cpu/riscv/, one per line.
obj-y += cpu/riscv/cpu.o
obj-y += cpu/riscv/csr.o
obj-y += cpu/riscv/cpu_helper.o
obj-y += cpu/riscv/pmp.o
obj-y += cpu/riscv/op_helper.o
# Translator (rvtrans).
obj-y += cpu/riscv/translate.o
obj-y += cpu/riscv/decode.o
obj-y += cpu/riscv/trans_rvi.o
obj-y += cpu/riscv/trans_rvm.o
obj-y += cpu/riscv/trans_rva.o
obj-y += cpu/riscv/trans_rvf.o
obj-y += cpu/riscv/trans_rvd.o
obj-y += cpu/riscv/trans_rvzb.o
obj-y += cpu/riscv/trans_zicsr.o
obj-y += cpu/riscv/trans_priv.o
obj-y += cpu/riscv/fpu_helper.o
obj-y += cpu/riscv/op_helper_int.o
obj-y += cpu/riscv/disas.o
obj-y += cpu/riscv/gdb.o
# Host-FPU helpers: keep FP ops ordered against fesetround/fetestexcept.
$(BUILD)/cpu/riscv/fpu_helper.o: CFLAGS += -frounding-math
