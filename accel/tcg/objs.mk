# Objects of accel/tcg/, one per line.
obj-y += accel/tcg/cpu-exec.o
obj-y += accel/tcg/cpus.o
obj-y += accel/tcg/cputlb.o
obj-y += accel/tcg/translate-all.o
obj-y += accel/tcg/translator.o
