# Objects of system/, one per line.
obj-y += system/main.o
