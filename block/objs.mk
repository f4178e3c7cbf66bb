# Objects of block/, one per line.
obj-y += block/block.o
obj-y += block/raw.o
