# Objects of hw/, one per line.
obj-y += hw/char/uart16550.o
obj-y += hw/char/uart16550_mmio.o
obj-y += hw/intc/riscv_aclint.o
obj-y += hw/intc/sifive_plic.o
obj-y += hw/misc/sifive_test.o
obj-y += hw/rtc/goldfish_rtc.o
obj-y += hw/riscv/virt.o
obj-y += hw/virtio/virtio.o
obj-y += hw/virtio/virtio-mmio.o
obj-y += hw/virtio/virtio-blk.o
obj-y += hw/virtio/virtio-rng.o
obj-y += hw/virtio/virtio-pci.o
obj-y += hw/virtio/virtio-net.o
obj-y += hw/virtio/virtio-console.o
obj-y += hw/pci/pci.o
obj-y += hw/pci-host/gpex.o
obj-y += hw/net/e1000.o
