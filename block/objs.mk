# Objects of block/, one per line.
obj-y += block/block.o
obj-y += block/raw.o
obj-y += block/qcow2.o
obj-y += block/aio.o
