# Objects of chardev/, one per line.
obj-y += chardev/char.o
obj-y += chardev/char-stdio.o
obj-y += chardev/char-fd.o
obj-y += chardev/char-mux.o
obj-y += chardev/char-socket.o
obj-y += chardev/char-vc.o
