/* SPDX-License-Identifier: MIT */
/* Modern (non-transitional) virtio-pci transport, virtio 1.2 section 4.1. */

/*
 * One proxy state serves every virtio-*-pci type: realize creates the
 * matching virtio-*-device, binds it to this transport before it is
 * realized (so the core does not hand it to virtio-mmio) and forwards the
 * proxy's string properties to it.
 *
 * BAR 4 (64-bit, prefetchable, 16 KiB) holds the four structures the
 * vendor capabilities point at: common config 0x0000, ISR 0x1000, device
 * config 0x2000, notify 0x3000 (notify_off_multiplier 4, queue n at 4n).
 * BAR 1 holds the MSI-X table and PBA.  Without an MSI controller (riscv64
 * virt) the device interrupts through INTx, level = ISR != 0.
 */

#include "machina/virtio.h"
#include "machina/pci.h"
#include "machina/log.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define PCI_VENDOR_ID_VIRTIO    0x1af4
#define VIRTIO_PCI_DEVICE_BASE  0x1040
#define VIRTIO_PCI_SUBSYS_ID    0x1100
#define VIRTIO_MSI_NO_VECTOR    0xffff

/* Vendor capability types (4.1.4) */
#define VIRTIO_PCI_CAP_COMMON_CFG   1
#define VIRTIO_PCI_CAP_NOTIFY_CFG   2
#define VIRTIO_PCI_CAP_ISR_CFG      3
#define VIRTIO_PCI_CAP_DEVICE_CFG   4
#define PCI_CAP_ID_VNDR             0x09

#define VPCI_BAR                4
#define VPCI_MSIX_BAR           1
#define VPCI_REGION_SIZE        0x1000
#define VPCI_COMMON_OFF         0x0000
#define VPCI_ISR_OFF            0x1000
#define VPCI_DEVICE_OFF         0x2000
#define VPCI_NOTIFY_OFF         0x3000
#define VPCI_BAR_SIZE           0x4000
#define VPCI_NOTIFY_MULT        4
#define VPCI_MSIX_BAR_SIZE      0x1000
#define VPCI_MSIX_PBA_OFF       0x800

/* Common configuration layout (4.1.4.3) */
enum {
    VPCI_DFSELECT = 0x00,
    VPCI_DF = 0x04,
    VPCI_GFSELECT = 0x08,
    VPCI_GF = 0x0c,
    VPCI_MSIX_CONFIG = 0x10,
    VPCI_NUM_QUEUES = 0x12,
    VPCI_STATUS = 0x14,
    VPCI_CFG_GENERATION = 0x15,
    VPCI_Q_SELECT = 0x16,
    VPCI_Q_SIZE = 0x18,
    VPCI_Q_MSIX = 0x1a,
    VPCI_Q_ENABLE = 0x1c,
    VPCI_Q_NOFF = 0x1e,
    VPCI_Q_DESC = 0x20,
    VPCI_Q_AVAIL = 0x28,
    VPCI_Q_USED = 0x30,
    VPCI_COMMON_LEN = 0x38,
};

typedef struct VirtioPciState {
    PCIDevice pci;
    VirtIODevice *vdev;
    MemoryRegion bar, common, isr, device, notify, msix_bar;
    uint32_t dfselect, gfselect;
    uint16_t queue_sel;
    uint16_t config_vector;
    uint16_t queue_vector[VIRTIO_QUEUE_MAX];
    /* Properties; all but addr are forwarded to the virtio device. */
    char *addr;
    char *drive, *serial, *netdev, *mac;
} VirtioPciState;

/* Field widths of the common config, to merge partial writes. */
static const struct {
    uint8_t off, size;
} vpci_fields[] = {
    { VPCI_DFSELECT, 4 }, { VPCI_DF, 4 }, { VPCI_GFSELECT, 4 },
    { VPCI_GF, 4 }, { VPCI_MSIX_CONFIG, 2 }, { VPCI_NUM_QUEUES, 2 },
    { VPCI_STATUS, 1 }, { VPCI_CFG_GENERATION, 1 }, { VPCI_Q_SELECT, 2 },
    { VPCI_Q_SIZE, 2 }, { VPCI_Q_MSIX, 2 }, { VPCI_Q_ENABLE, 2 },
    { VPCI_Q_NOFF, 2 }, { VPCI_Q_DESC, 8 }, { VPCI_Q_AVAIL, 8 },
    { VPCI_Q_USED, 8 },
};

static int vpci_num_queues(VirtIODevice *vdev)
{
    int n = 0;

    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        if (vdev->vq[i].num_max) {
            n = i + 1;
        }
    }
    return n;
}

static VirtQueue *vpci_vq(VirtioPciState *s)
{
    if (s->queue_sel >= VIRTIO_QUEUE_MAX ||
        !s->vdev->vq[s->queue_sel].num_max) {
        return NULL;
    }
    return &s->vdev->vq[s->queue_sel];
}

static void vpci_update_irq(void *opaque, VirtIODevice *vdev)
{
    VirtioPciState *s = opaque;

    if (msix_enabled(&s->pci)) {
        /*
         * The core only tells us the ISR bits, not which queue; sending
         * every queue vector is safe because drivers poll all queues
         * bound to a vector.  The ISR is not used with MSI-X (4.1.4.5).
         */
        if (vdev->isr & VIRTIO_ISR_CONFIG &&
            s->config_vector != VIRTIO_MSI_NO_VECTOR) {
            msix_notify(&s->pci, s->config_vector);
        }
        if (vdev->isr & VIRTIO_ISR_QUEUE) {
            for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
                uint16_t v = s->queue_vector[i];

                if (v != VIRTIO_MSI_NO_VECTOR && vdev->vq[i].ready) {
                    msix_notify(&s->pci, v);
                }
            }
        }
        vdev->isr = 0;
        pci_set_irq(&s->pci, 0);
        return;
    }
    pci_set_irq(&s->pci, vdev->isr != 0);
}

static const VirtioTransportOps vpci_transport_ops = {
    .update_irq = vpci_update_irq,
};

static void vpci_reset_regs(VirtioPciState *s)
{
    s->dfselect = s->gfselect = 0;
    s->queue_sel = 0;
    s->config_vector = VIRTIO_MSI_NO_VECTOR;
    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        s->queue_vector[i] = VIRTIO_MSI_NO_VECTOR;
    }
}

static uint64_t vpci_common_field(VirtioPciState *s, unsigned off)
{
    VirtIODevice *vdev = s->vdev;
    VirtQueue *vq = vpci_vq(s);

    switch (off) {
    case VPCI_DFSELECT:
        return s->dfselect;
    case VPCI_DF:
        return s->dfselect > 1 ? 0 :
               (uint32_t)(vdev->host_features >> (32 * s->dfselect));
    case VPCI_GFSELECT:
        return s->gfselect;
    case VPCI_GF:
        return s->gfselect > 1 ? 0 :
               (uint32_t)(vdev->guest_features >> (32 * s->gfselect));
    case VPCI_MSIX_CONFIG:
        return s->config_vector;
    case VPCI_NUM_QUEUES:
        return vpci_num_queues(vdev);
    case VPCI_STATUS:
        return vdev->status;
    case VPCI_CFG_GENERATION:
        return (uint8_t)vdev->config_generation;
    case VPCI_Q_SELECT:
        return s->queue_sel;
    case VPCI_Q_SIZE:
        return vq ? vq->num : 0;     /* 0: queue not available */
    case VPCI_Q_MSIX:
        return vq ? s->queue_vector[s->queue_sel] : VIRTIO_MSI_NO_VECTOR;
    case VPCI_Q_ENABLE:
        return vq ? vq->ready : 0;
    case VPCI_Q_NOFF:
        return s->queue_sel;
    case VPCI_Q_DESC:
        return vq ? vq->desc : 0;
    case VPCI_Q_AVAIL:
        return vq ? vq->avail : 0;
    case VPCI_Q_USED:
        return vq ? vq->used : 0;
    }
    return 0;
}

static int vpci_find_field(hwaddr addr, unsigned size)
{
    for (size_t i = 0; i < ARRAY_SIZE(vpci_fields); i++) {
        unsigned o = vpci_fields[i].off, n = vpci_fields[i].size;

        if (addr >= o && addr + size <= o + n) {
            return i;
        }
    }
    return -1;
}

static uint64_t vpci_common_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtioPciState *s = opaque;
    int f = vpci_find_field(addr, size);
    uint64_t v;

    if (f < 0) {
        guest_error("virtio-pci: common read 0x%" PRIx64 "/%u\n", addr,
                    size);
        return 0;
    }
    v = vpci_common_field(s, vpci_fields[f].off);
    v >>= 8 * (addr - vpci_fields[f].off);
    return size == 8 ? v : v & ((1ULL << (8 * size)) - 1);
}

/* Queue setup registers are frozen while the queue is enabled. */
static VirtQueue *vpci_vq_for_setup(VirtioPciState *s)
{
    VirtQueue *vq = vpci_vq(s);

    if (!vq) {
        guest_error("virtio-pci: setup of missing queue %u\n", s->queue_sel);
        return NULL;
    }
    if (vq->ready) {
        guest_error("virtio-pci: queue %u changed while enabled\n",
                    s->queue_sel);
        return NULL;
    }
    return vq;
}

static uint16_t vpci_check_vector(VirtioPciState *s, uint64_t val)
{
    /* An unusable vector reads back as NO_VECTOR (4.1.5.1.2). */
    if (val >= s->pci.msix_entries) {
        return VIRTIO_MSI_NO_VECTOR;
    }
    return val;
}

static void vpci_common_set(VirtioPciState *s, unsigned off, uint64_t val)
{
    VirtIODevice *vdev = s->vdev;
    VirtQueue *vq;

    switch (off) {
    case VPCI_DFSELECT:
        s->dfselect = val;
        break;
    case VPCI_GFSELECT:
        s->gfselect = val;
        break;
    case VPCI_GF:
        if (s->gfselect <= 1) {
            unsigned sh = 32 * s->gfselect;
            uint64_t f = vdev->guest_features;

            f = (f & ~(0xffffffffULL << sh)) | ((val & 0xffffffffULL) << sh);
            virtio_set_guest_features(vdev, f);
        }
        break;
    case VPCI_MSIX_CONFIG:
        s->config_vector = vpci_check_vector(s, val);
        break;
    case VPCI_STATUS:
        virtio_set_status(vdev, val & 0xff);
        if ((val & 0xff) == 0) {
            vpci_reset_regs(s);
        }
        break;
    case VPCI_Q_SELECT:
        s->queue_sel = val;
        break;
    case VPCI_Q_SIZE:
        vq = vpci_vq_for_setup(s);
        /* Split rings need a power of two (2.7). */
        if (vq) {
            if (val == 0 || val > vq->num_max || (val & (val - 1))) {
                guest_error("virtio-pci: bad queue size %" PRIu64 "\n", val);
            } else {
                vq->num = val;
            }
        }
        break;
    case VPCI_Q_MSIX:
        if (vpci_vq(s)) {
            s->queue_vector[s->queue_sel] = vpci_check_vector(s, val);
        }
        break;
    case VPCI_Q_ENABLE:
        vq = vpci_vq(s);
        if (!vq) {
            guest_error("virtio-pci: enable of missing queue\n");
        } else if (val & 1) {
            vq->ready = true;
            vq->last_avail_idx = 0;
            vq->used_idx = 0;
            vq->signalled_used_valid = false;
        } else {
            /* Drivers must not write 0 (4.1.4.3.2); ignore it. */
            guest_error("virtio-pci: queue_enable written with 0\n");
        }
        break;
    case VPCI_Q_DESC:
        vq = vpci_vq_for_setup(s);
        if (vq) {
            vq->desc = val;
        }
        break;
    case VPCI_Q_AVAIL:
        vq = vpci_vq_for_setup(s);
        if (vq) {
            vq->avail = val;
        }
        break;
    case VPCI_Q_USED:
        vq = vpci_vq_for_setup(s);
        if (vq) {
            vq->used = val;
        }
        break;
    default:
        guest_error("virtio-pci: write to read-only common field 0x%x\n",
                    off);
        break;
    }
}

static void vpci_common_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    VirtioPciState *s = opaque;
    int f = vpci_find_field(addr, size);
    unsigned off, fsize, sh;
    uint64_t cur, mask;

    if (f < 0) {
        guest_error("virtio-pci: common write 0x%" PRIx64 "/%u\n", addr,
                    size);
        return;
    }
    off = vpci_fields[f].off;
    fsize = vpci_fields[f].size;
    /* 64-bit queue addresses arrive as two 32-bit halves (4.1.3.1). */
    if (fsize > size) {
        sh = 8 * (addr - off);
        mask = (size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1) << sh;
        cur = vpci_common_field(s, off);
        val = (cur & ~mask) | ((val << sh) & mask);
    }
    vpci_common_set(s, off, val);
}

static const MemoryRegionOps vpci_common_ops = {
    .read = vpci_common_read,
    .write = vpci_common_write,
    .valid_min = 1,
    .valid_max = 8,
};

/* Reading the ISR acknowledges it (4.1.4.5). */
static uint64_t vpci_isr_read(void *opaque, hwaddr addr,
                              unsigned size UNUSED)
{
    VirtioPciState *s = opaque;
    uint8_t v;

    if (addr != 0) {
        return 0;
    }
    v = s->vdev->isr;
    s->vdev->isr = 0;
    pci_set_irq(&s->pci, 0);
    return v;
}

static void vpci_isr_write(void *opaque UNUSED, hwaddr addr UNUSED,
                           uint64_t val UNUSED, unsigned size UNUSED)
{
    guest_error("virtio-pci: write to ISR ignored\n");
}

static const MemoryRegionOps vpci_isr_ops = {
    .read = vpci_isr_read,
    .write = vpci_isr_write,
    .valid_min = 1,
    .valid_max = 4,
};

static uint64_t vpci_device_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtioPciState *s = opaque;
    VirtIODevice *vdev = s->vdev;

    if (addr + size > vdev->config_len) {
        guest_error("virtio-pci: config read 0x%" PRIx64 " out of range\n",
                    addr);
        return 0;
    }
    if (vdev->ops->get_config) {
        vdev->ops->get_config(vdev);
    }
    return ldn_le(vdev->config + addr, size);
}

static void vpci_device_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    VirtioPciState *s = opaque;
    VirtIODevice *vdev = s->vdev;

    if (addr + size > vdev->config_len) {
        guest_error("virtio-pci: config write 0x%" PRIx64 " out of range\n",
                    addr);
        return;
    }
    if (vdev->ops->get_config) {
        vdev->ops->get_config(vdev);
    }
    stn_le(vdev->config + addr, size, val);
    if (vdev->ops->set_config) {
        vdev->ops->set_config(vdev, addr, size);
    }
}

static const MemoryRegionOps vpci_device_ops = {
    .read = vpci_device_read,
    .write = vpci_device_write,
    .valid_min = 1,
    .valid_max = 4,
};

static uint64_t vpci_notify_read(void *opaque UNUSED, hwaddr addr UNUSED,
                                 unsigned size UNUSED)
{
    return 0;
}

static void vpci_notify_write(void *opaque, hwaddr addr, uint64_t val UNUSED,
                              unsigned size UNUSED)
{
    VirtioPciState *s = opaque;
    /* The address selects the queue; the value is only a hint. */
    int n = addr / VPCI_NOTIFY_MULT;

    virtio_queue_notify(s->vdev, n);
}

static const MemoryRegionOps vpci_notify_ops = {
    .read = vpci_notify_read,
    .write = vpci_notify_write,
    .valid_min = 1,
    .valid_max = 4,
};

/* Add one virtio vendor capability (struct virtio_pci_cap, 4.1.4). */
static int vpci_add_cap(VirtioPciState *s, uint8_t type, uint32_t off,
                        uint32_t len, bool notify)
{
    uint8_t caplen = notify ? 20 : 16;
    uint8_t pos = pci_add_capability(&s->pci, PCI_CAP_ID_VNDR, caplen);
    uint8_t *c;

    if (!pos) {
        return -1;
    }
    c = s->pci.config + pos;
    c[2] = caplen;
    c[3] = type;
    c[4] = VPCI_BAR;
    stn_le(c + 8, 4, off);
    stn_le(c + 12, 4, len);
    if (notify) {
        stn_le(c + 16, 4, VPCI_NOTIFY_MULT);
    }
    return 0;
}

static const struct {
    uint16_t id;
    uint32_t class_prog;
} vpci_classes[] = {
    { 1, 0x020000 },            /* net: ethernet */
    { 2, 0x010000 },            /* block: SCSI storage, as QEMU */
    { 3, 0x078000 },            /* console: other communication */
    { 4, 0x00ff00 },            /* rng: unclassified */
    { 16, 0x038000 },           /* gpu: other display, as QEMU */
    { 18, 0x098000 },           /* input: other input, as QEMU */
};

static int vpci_realize(DeviceState *dev)
{
    VirtioPciState *s = (VirtioPciState *)dev;
    const char *name = dev->type->name;
    char inner[64];
    size_t n = strlen(name);
    DeviceState *idev;
    uint32_t class_prog = 0xff0000;
    int devfn = -1, nvec;
    uint16_t id;

    if (s->addr && pci_parse_devfn(s->addr, &devfn) < 0) {
        error_report("%s: invalid PCI address '%s'", name, s->addr);
        return -1;
    }
    /* virtio-xxx-pci -> virtio-xxx-device */
    snprintf(inner, sizeof(inner), "%.*s-device", (int)(n - 4), name);
    idev = device_new(inner);
    if (!idev) {
        error_report("%s: no device type %s", name, inner);
        return -1;
    }
    for (const Property *p = dev->type->props; p && p->name; p++) {
        char *val = *(char **)((char *)s + p->offset);

        if (strcmp(p->name, "addr") && val &&
            device_set_prop(idev, p->name, val) < 0) {
            return -1;
        }
    }
    s->vdev = (VirtIODevice *)idev;
    /* Bound before realize: the core then leaves it to us. */
    s->vdev->tops = &vpci_transport_ops;
    s->vdev->transport = s;
    if (device_realize(idev) < 0) {
        return -1;
    }
    if (pci_device_register(&s->pci, NULL, name, devfn, false) < 0) {
        return -1;
    }
    id = s->vdev->ops->device_id;
    for (size_t i = 0; i < ARRAY_SIZE(vpci_classes); i++) {
        if (vpci_classes[i].id == id) {
            class_prog = vpci_classes[i].class_prog;
        }
    }
    /* Non-transitional: device 0x1040 + ID, revision 1 (4.1.2.1). */
    pci_config_set_ids(&s->pci, PCI_VENDOR_ID_VIRTIO,
                       VIRTIO_PCI_DEVICE_BASE + id, PCI_VENDOR_ID_VIRTIO,
                       VIRTIO_PCI_SUBSYS_ID, 1, class_prog);
    pci_config_set_interrupt_pin(&s->pci, 1);

    memory_region_init_container(&s->bar, "virtio-pci-bar", VPCI_BAR_SIZE);
    memory_region_init_io(&s->common, "virtio-pci-common", &vpci_common_ops,
                          s, VPCI_REGION_SIZE);
    memory_region_init_io(&s->isr, "virtio-pci-isr", &vpci_isr_ops, s,
                          VPCI_REGION_SIZE);
    memory_region_init_io(&s->device, "virtio-pci-device", &vpci_device_ops,
                          s, VPCI_REGION_SIZE);
    memory_region_init_io(&s->notify, "virtio-pci-notify", &vpci_notify_ops,
                          s, VPCI_REGION_SIZE);
    memory_region_add_subregion(&s->bar, VPCI_COMMON_OFF, &s->common);
    memory_region_add_subregion(&s->bar, VPCI_ISR_OFF, &s->isr);
    memory_region_add_subregion(&s->bar, VPCI_DEVICE_OFF, &s->device);
    memory_region_add_subregion(&s->bar, VPCI_NOTIFY_OFF, &s->notify);
    pci_register_bar(&s->pci, VPCI_BAR, PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &s->bar);

    /* One vector per queue plus one for config changes. */
    nvec = vpci_num_queues(s->vdev) + 1;
    memory_region_init_container(&s->msix_bar, "virtio-pci-msix",
                                 VPCI_MSIX_BAR_SIZE);
    if (msix_init(&s->pci, nvec, &s->msix_bar, VPCI_MSIX_BAR, 0,
                  VPCI_MSIX_PBA_OFF) == 0) {
        pci_register_bar(&s->pci, VPCI_MSIX_BAR, 0, &s->msix_bar);
    }

    if (vpci_add_cap(s, VIRTIO_PCI_CAP_COMMON_CFG, VPCI_COMMON_OFF,
                     VPCI_COMMON_LEN, false) < 0 ||
        vpci_add_cap(s, VIRTIO_PCI_CAP_ISR_CFG, VPCI_ISR_OFF, 1, false) < 0 ||
        vpci_add_cap(s, VIRTIO_PCI_CAP_DEVICE_CFG, VPCI_DEVICE_OFF,
                     MAX(s->vdev->config_len, 4u), false) < 0 ||
        vpci_add_cap(s, VIRTIO_PCI_CAP_NOTIFY_CFG, VPCI_NOTIFY_OFF,
                     VPCI_NOTIFY_MULT * VIRTIO_QUEUE_MAX, true) < 0) {
        error_report("%s: no room for capabilities", name);
        return -1;
    }
    vpci_reset_regs(s);
    return 0;
}

static void vpci_reset(DeviceState *dev)
{
    VirtioPciState *s = (VirtioPciState *)dev;

    vpci_reset_regs(s);
    if (s->vdev) {
        virtio_reset(s->vdev);
    }
}

#define VPCI_PROP(n, f) \
    { .name = (n), .type = PROP_STRING, \
      .offset = offsetof(VirtioPciState, f) }

static const Property vpci_blk_props[] = {
    VPCI_PROP("addr", addr), VPCI_PROP("drive", drive),
    VPCI_PROP("serial", serial), { .name = NULL },
};

static const Property vpci_net_props[] = {
    VPCI_PROP("addr", addr), VPCI_PROP("netdev", netdev),
    VPCI_PROP("mac", mac), { .name = NULL },
};

static const Property vpci_plain_props[] = {
    VPCI_PROP("addr", addr), { .name = NULL },
};

#define VPCI_TYPE(var, tname, tdesc, tprops)      \
    static DeviceType var = {                     \
        .name = (tname),                          \
        .desc = (tdesc),                          \
        .instance_size = sizeof(VirtioPciState),  \
        .props = (tprops),                        \
        .realize = vpci_realize,                  \
        .reset = vpci_reset,                      \
        .user_creatable = true,                   \
    };                                            \
    DEVICE_TYPE_REGISTER(var)

VPCI_TYPE(vpci_blk_type, "virtio-blk-pci", "virtio block device (PCI)",
          vpci_blk_props)
VPCI_TYPE(vpci_rng_type, "virtio-rng-pci", "virtio entropy source (PCI)",
          vpci_plain_props)
VPCI_TYPE(vpci_net_type, "virtio-net-pci", "virtio network device (PCI)",
          vpci_net_props)
VPCI_TYPE(vpci_serial_type, "virtio-serial-pci",
          "virtio serial/console device (PCI)", vpci_plain_props)
VPCI_TYPE(vpci_gpu_type, "virtio-gpu-pci", "virtio GPU, 2D (PCI)",
          vpci_plain_props)
VPCI_TYPE(vpci_keyboard_type, "virtio-keyboard-pci", "virtio keyboard (PCI)",
          vpci_plain_props)
VPCI_TYPE(vpci_mouse_type, "virtio-mouse-pci",
          "virtio relative mouse (PCI)", vpci_plain_props)
VPCI_TYPE(vpci_tablet_type, "virtio-tablet-pci",
          "virtio absolute pointer (PCI)", vpci_plain_props)
