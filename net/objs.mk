# Objects of net/, one per line.
obj-y += net/net.o
obj-y += net/slirp.o
obj-y += net/tap.o
