/* SPDX-License-Identifier: MIT */
/* libFuzzer target: virtio-mmio with blk, net, console, rng and gpu. */

/*
 * Five virtio-mmio slots as on the virt boards, each with one device:
 * blk on a 1 MiB raw scratch image (memfd, emptied every run), net
 * connected to a fake backend, console (virtio-serial port 0 on a null
 * chardev), rng and gpu.  The op stream (fuzz-dev.h) drives the register
 * files; queue notifies make the devices walk rings in the fuzzer's RAM.
 * Events feed console input (arg bit 0 clear) or an Ethernet frame to
 * virtio-net (set), both taken from RAM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "machina/block.h"
#include "machina/chardev.h"
#include "machina/device.h"
#include "machina/net.h"
#include "machina/virtio.h"
#include "fuzz-dev.h"

#define FZ_VMMIO_BASE   0x10000000ULL
#define FZ_NSLOTS       5
#define FZ_IMG_SIZE     (1 << 20)

static FzRegion fz_regions[FZ_NSLOTS];
static VirtioMmioState *fz_slot[FZ_NSLOTS];
static int fz_nplugged;
static int fz_img_fd = -1;
static Chardev *fz_chr;
static NetClient fz_netback;

static void fz_plug(void *opaque, VirtIODevice *vdev)
{
    (void)opaque;
    if (fz_nplugged < FZ_NSLOTS) {
        virtio_mmio_plug(fz_slot[fz_nplugged++], vdev);
    }
}

static ssize_t fz_net_receive(NetClient *nc, const uint8_t *buf, size_t len)
{
    (void)nc;
    (void)buf;
    return (ssize_t)len;
}

/* Registered under a backend model name so netdev= can find it. */
static const NetClientOps fz_net_ops = { .receive = fz_net_receive };

static void fz_new(const char *type, const char *prop, const char *val)
{
    DeviceState *dev = device_new(type);

    if (!dev || (prop && device_set_prop(dev, prop, val) < 0) ||
        device_realize(dev) < 0) {
        fprintf(stderr, "fuzz-virtio-mmio: cannot create %s\n", type);
        abort();
    }
}

static void fz_setup(void)
{
    char spec[128];

    fz_machine_init();
    for (int i = 0; i < FZ_NSLOTS; i++) {
        fz_regions[i].base = FZ_VMMIO_BASE + i * 0x1000ULL;
        fz_regions[i].size = VIRTIO_MMIO_SIZE;
        fz_slot[i] = virtio_mmio_create(system_memory, fz_regions[i].base,
                                        fz_irq());
    }
    virtio_set_plug_handler(fz_plug, NULL);

    fz_img_fd = memfd_create("fuzz-vblk", 0);
    if (fz_img_fd < 0 || ftruncate(fz_img_fd, FZ_IMG_SIZE) < 0) {
        perror("fuzz-virtio-mmio: memfd");
        abort();
    }
    snprintf(spec, sizeof(spec),
             "file=/proc/self/fd/%d,format=raw,if=none,id=fzblk", fz_img_fd);
    if (!drive_new(spec)) {
        abort();
    }
    fz_new("virtio-blk-device", "drive", "fzblk");

    net_client_init(&fz_netback, &fz_net_ops, "tap", "fznet", NULL);
    fz_new("virtio-net-device", "netdev", "fznet");

    fz_chr = chardev_new_from_spec("null", "fzcon");
    if (!fz_chr) {
        abort();
    }
    fz_new("virtio-serial-device", NULL, NULL);
    fz_new("virtconsole", "chardev", fz_chr->id);
    fz_new("virtio-rng-device", NULL, NULL);
    fz_new("virtio-gpu-device", NULL, NULL);
    if (fz_nplugged != FZ_NSLOTS) {
        abort();
    }
}

static void fz_event(uint32_t arg, uint64_t val)
{
    uint32_t len = (uint32_t)(val & 0x7ff);
    const uint8_t *buf = fz_ram_input(arg >> 1, &len);

    if (!(arg & 1)) {
        if (fz_chr->fe_attached && fz_chr->fe.can_read) {
            int n = MIN((int)len, fz_chr->fe.can_read(fz_chr->fe.opaque));

            if (n > 0) {
                fz_chr->fe.read(fz_chr->fe.opaque, buf, n);
            }
        }
        return;
    }
    if (fz_netback.peer && fz_netback.peer->ops->receive &&
        (!fz_netback.peer->ops->can_receive ||
         fz_netback.peer->ops->can_receive(fz_netback.peer))) {
        /* Straight to the NIC: no sender-side queue survives the run. */
        fz_netback.peer->ops->receive(fz_netback.peer, buf, len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_img_fd < 0) {
        fz_setup();
    }
    fz_run(data, size, fz_regions, FZ_NSLOTS, fz_event);
    devices_reset_all();
    /* Fresh scratch image: the next run must not see this one's writes. */
    if (ftruncate(fz_img_fd, 0) < 0 || ftruncate(fz_img_fd, FZ_IMG_SIZE) < 0) {
        abort();
    }
    return 0;
}
