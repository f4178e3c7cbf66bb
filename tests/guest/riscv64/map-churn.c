/* SPDX-License-Identifier: MIT */
/* Memory-map churn: remap a PCI BAR tens of thousands of times. */

/*
 * Run with -device virtio-rng-pci (test_map_churn.py).  Every change of
 * the command register's memory bit or of a live BAR's address gives the
 * machine a new flat view of memory; each old one must be freed once no
 * thread can still use it, or the emulator grows without bound.  The
 * driver waits for a key before and after the churn so that the host can
 * sample the emulator's memory use at both points.  After every remap the
 * device must answer at its new address (virtio 1.2, 4.1.4.3: num_queues
 * at offset 0x12 of the common configuration) and not at the old one.
 */
#include "lib.h"

#define ECAM_BASE       0x30000000UL
#define PCI_COMMAND     0x04
#define PCI_BAR4        0x20            /* 64-bit: BAR4 low, BAR5 high */
#define CMD_MEMORY      0x2
#define BAR_A           0x40000000UL
#define BAR_B           0x40100000UL
#define NUM_QUEUES      0x12

/* Four map changes per round. */
#define ROUNDS          32768

static unsigned long find_rng(void)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        unsigned long cfg = ECAM_BASE + (dev << 15);

        /* Virtio entropy, non-transitional ID (virtio 1.2, 4.1.2.1). */
        if (mmio_read32(cfg) == 0x10441af4) {
            return cfg;
        }
    }
    return 0;
}

static void wait_key(void)
{
    /* 16550 LSR bit 0: a byte is waiting in RBR. */
    while (!(mmio_read8(UART_BASE + 5) & 1)) {
    }
    (void)mmio_read8(UART_BASE);
}

static uint16_t num_queues(unsigned long bar)
{
    __asm__ volatile("fence rw, rw" ::: "memory");
    return *(volatile uint16_t *)(bar + NUM_QUEUES);
}

/* Trap-checked read: 0 and a recorded load fault where nothing answers. */
static unsigned long probe(unsigned long bar)
{
    unsigned long before = m_trap.count, v;

    m_trap_expected = 1;
    v = num_queues(bar);
    m_trap_expected = 0;
    return m_trap.count != before ? ~0UL : v;
}

int main(void)
{
    unsigned long cfg = find_rng();
    unsigned long cur = BAR_A, next = BAR_B, t;

    if (!cfg) {
        printf("SKIP: no virtio-rng-pci on PCI bus 0\n");
        return 0;
    }
    mmio_write32(cfg + PCI_BAR4 + 4, 0);
    mmio_write32(cfg + PCI_BAR4, (uint32_t)cur);
    mmio_write32(cfg + PCI_COMMAND, CMD_MEMORY);
    CHECK_EQ(num_queues(cur), 1);
    pass("churn device mapped");

    printf("churn: ready\n");
    wait_key();
    for (unsigned i = 0; i < ROUNDS; i++) {
        /* Unmap, move while unmapped, map again. */
        mmio_write32(cfg + PCI_COMMAND, 0);
        mmio_write32(cfg + PCI_BAR4, (uint32_t)next);
        mmio_write32(cfg + PCI_COMMAND, CMD_MEMORY);
        t = cur;
        cur = next;
        next = t;
        if (num_queues(cur) != 1) {
            printf("round %u: no device at 0x%lx\n", i, cur);
            CHECK(0);
        }
        /* Move while mapped (unmap + map in one config write). */
        mmio_write32(cfg + PCI_BAR4, (uint32_t)next);
        t = cur;
        cur = next;
        next = t;
        if (num_queues(cur) != 1) {
            printf("round %u: no device at 0x%lx after a move\n", i, cur);
            CHECK(0);
        }
        if ((i & 8191) == 8191) {
            printf("churn: %u map changes\n", (i + 1) * 4);
        }
    }
    /* The old address no longer decodes to the device. */
    CHECK(probe(next) != 1);
    pass("churn device follows its BAR");
    printf("churn: done\n");
    wait_key();
    return 0;
}
