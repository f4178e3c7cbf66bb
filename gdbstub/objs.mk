# Objects of gdbstub/, one per line.
obj-y += gdbstub/gdbstub.o
