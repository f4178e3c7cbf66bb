# Objects of system/, one per line.
obj-y += system/main.o
obj-y += system/util.o
obj-y += system/log.o
obj-y += system/options.o
obj-y += system/memory.o
obj-y += system/rcu.o
obj-y += system/timer.o
obj-y += system/main-loop.o
obj-y += system/loader.o
obj-y += system/machine.o
obj-y += system/sandbox.o
obj-y += hw/core/device.o
obj-y += hw/core/irq.o
