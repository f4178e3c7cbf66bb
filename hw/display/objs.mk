# Objects of hw/display/, one per line.
obj-y += hw/display/virtio-gpu.o
obj-y += hw/display/bochs-display.o
obj-y += hw/display/ramfb.o
obj-y += hw/display/vbe.o
obj-y += hw/display/vga.o
