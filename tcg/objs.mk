# Objects of tcg/, one per line.
obj-y += tcg/tcg.o
obj-y += tcg/optimize.o
obj-y += tcg/liveness.o
obj-y += tcg/regalloc.o
obj-y += tcg/udiv-magic.o
obj-y += tcg/x86_64/emit.o
obj-y += tcg/x86_64/tcg-target.o
