# Objects of monitor/, one per line.
obj-y += monitor/hmp.o
obj-y += monitor/qmp.o
