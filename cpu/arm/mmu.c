/* SPDX-License-Identifier: MIT */
/* VMSAv8-64 stage-1 translation for the EL1&0 regime, and TLBI. */
#include "cpu.h"
#include "machina/log.h"
#include "machina/memory.h"
#include "machina/tcg-gen.h"

/*
 * MMU indexes: mmu_idx == PSTATE.EL (0 or 1).  Everything else the walk
 * depends on flushes when written: SCTLR_EL1.M and TCR_EL1 the whole TLB,
 * TTBRn (base or ASID) the non-global (nG) entries only -- global ones
 * match every ASID, and a guest that changes their tables must TLBI, as
 * on hardware.  So neither ASID nor MMU state is in the TB flags: TBs are
 * keyed by physical PC and EL.
 */

/* Fault status codes, ESR_ELx.ISS DFSC/IFSC (D17.2.37); + level. */
#define FSC_TRANS 0x04
#define FSC_AF 0x08
#define FSC_PERM 0x0c
#define FSC_WALK_EXT 0x14

#define SCTLR_M (1ULL << 0)
#define SCTLR_WXN (1ULL << 19)

typedef struct ArmWalk {
    hwaddr pa;
    int prot;
    uint64_t size;
    uint32_t fsc;
    int attr_idx;               /* AttrIndx, selects a MAIR_EL1 byte */
    int sh;                     /* SH[1:0] of the descriptor */
} ArmWalk;

/* Granule shift from TCR.TGn (encodings differ for TG0 and TG1). */
static int granule_bits(uint64_t tcr, bool hi)
{
    if (!hi) {
        switch ((tcr >> 14) & 3) {
        case 1: return 16;
        case 2: return 14;
        default: return 12;     /* 0, and reserved 3 treated as 4K */
        }
    }
    switch ((tcr >> 30) & 3) {
    case 1: return 14;
    case 3: return 16;
    default: return 12;         /* 2, and reserved 0 treated as 4K */
    }
}

static bool block_ok(int g, int level)
{
    if (g == 12) {
        return level == 1 || level == 2;
    }
    return level == 2;          /* 16K and 64K without 52-bit PAs */
}

/* Stage-1 walk (D8.2); returns false with w->fsc set on a fault. */
static bool arm_walk(CPUARMState *env, uint64_t va, MMUAccessType type,
                     int el, ArmWalk *w)
{
    uint64_t tcr = env->tcr_el1;
    bool hi = (va >> 55) & 1;
    uint64_t ttbr = hi ? env->ttbr1_el1 : env->ttbr0_el1;
    int tsz = (int)((tcr >> (hi ? 16 : 0)) & 0x3f);
    bool epd = (tcr >> (hi ? 23 : 7)) & 1;
    bool ha = (tcr >> 39) & 1;
    int g = granule_bits(tcr, hi);
    int stride = g - 3;
    int inputsize, level, start, ap, prot;
    uint64_t base, desc, top;
    hwaddr daddr;
    bool ap_ro = false, ap_noel0 = false, uxn_t = false, pxn_t = false;

    w->fsc = FSC_TRANS;
    /* Clamp TnSZ to the supported 48..25-bit range (no LVA). */
    if (tsz < 16) {
        tsz = 16;
    } else if (tsz > 39) {
        tsz = 39;
    }
    inputsize = 64 - tsz;
    /* Bits above the VA size must all equal bit 55 (no TBI). */
    top = va >> inputsize;
    if (top != (hi ? (~0ULL >> inputsize) : 0) || epd) {
        return false;
    }
    start = 4 - (inputsize - g + stride - 1) / stride;
    level = start;
    base = ttbr & 0x0000fffffffffffeULL;
    for (;;) {
        int shift = g + stride * (3 - level);
        int bits = level == start ? inputsize - shift : stride;
        uint64_t idx = (va >> shift) & ((1ULL << bits) - 1);

        /* The table is aligned to its own size. */
        base &= ~((1ULL << (bits + 3)) - 1);
        daddr = base + idx * 8;
        if (address_space_read(&address_space_memory, daddr, &desc, 8)
            != MEMTX_OK) {
            w->fsc = FSC_WALK_EXT + level;
            return false;
        }
        if (!(desc & 1)) {
            w->fsc = FSC_TRANS + level;
            return false;
        }
        if (level < 3 && (desc & 2)) {
            /* Table descriptor: hierarchical attributes (D8.4.2). */
            ap_noel0 |= (desc >> 61) & 1;
            ap_ro |= (desc >> 62) & 1;
            uxn_t |= (desc >> 60) & 1;
            pxn_t |= (desc >> 59) & 1;
            base = desc & 0x0000ffffffffffffULL & ~((1ULL << g) - 1);
            level++;
            continue;
        }
        if (level == 3 ? !(desc & 2) : !block_ok(g, level)) {
            w->fsc = FSC_TRANS + level;
            return false;
        }
        w->size = 1ULL << shift;
        w->pa = (desc & 0x0000ffffffffffffULL & ~(w->size - 1)) |
                (va & (w->size - 1));
        break;
    }
    if (!(desc & (1ULL << 10))) {
        if (!ha) {
            w->fsc = FSC_AF + level;
            return false;
        }
        /* Hardware access flag update (D8.4.5). */
        desc |= 1ULL << 10;
        address_space_write(&address_space_memory, daddr, desc, 8);
    }
    ap = (int)((desc >> 6) & 3);
    if (el == 0) {
        prot = (ap & 1) && !ap_noel0 ? PAGE_READ : 0;
        if (prot && !(ap & 2) && !ap_ro) {
            prot |= PAGE_WRITE;
        }
        if ((ap & 1) && !ap_noel0 && !((desc >> 54) & 1) && !uxn_t) {
            prot |= PAGE_EXEC;
        }
    } else {
        prot = PAGE_READ;
        if (!(ap & 2) && !ap_ro) {
            prot |= PAGE_WRITE;
        }
        /* EL0-writable memory is never EL1-executable. */
        if (!((desc >> 53) & 1) && !pxn_t && ap != 1) {
            prot |= PAGE_EXEC;
        }
    }
    /* SCTLR_EL1.WXN: writable memory is never executable (D8.4.1.3). */
    if ((env->sctlr_el1 & SCTLR_WXN) && (prot & PAGE_WRITE)) {
        prot &= ~PAGE_EXEC;
    }
    /* nG (bit 11): the entry belongs to the current ASID (D8.7.5). */
    if (desc & (1ULL << 11)) {
        prot |= PAGE_NONGLOBAL;
    }
    w->prot = prot;
    w->attr_idx = (int)((desc >> 2) & 7);
    w->sh = (int)((desc >> 8) & 3);
    if ((type == MMU_DATA_LOAD && !(prot & PAGE_READ)) ||
        (type == MMU_DATA_STORE && !(prot & PAGE_WRITE)) ||
        (type == MMU_INST_FETCH && !(prot & PAGE_EXEC))) {
        w->fsc = FSC_PERM + level;
        return false;
    }
    return true;
}

bool arm_cpu_tlb_fill(CPUState *cs, vaddr addr, int size,
                      MMUAccessType access_type, int mmu_idx,
                      bool probe, uintptr_t retaddr)
{
    CPUARMState *env = arm_env(cs);
    ArmWalk w;

    (void)size;
    if (!(env->sctlr_el1 & SCTLR_M)) {
        tlb_set_page(cs, addr & TARGET_PAGE_MASK, addr & TARGET_PAGE_MASK,
                     PAGE_READ | PAGE_WRITE | PAGE_EXEC, mmu_idx,
                     TARGET_PAGE_SIZE);
        return true;
    }
    if (!arm_walk(env, addr, access_type, mmu_idx, &w)) {
        if (probe) {
            return false;
        }
        arm_raise_abort(cs, addr, access_type, w.fsc, retaddr);
    }
    /* Block sizes let tlb_flush_page() drop every 4K piece. */
    tlb_set_page(cs, addr & TARGET_PAGE_MASK, w.pa & TARGET_PAGE_MASK,
                 w.prot, mmu_idx, w.size);
    return true;
}

hwaddr arm_cpu_get_phys_page_debug(CPUState *cs, vaddr addr)
{
    CPUARMState *env = arm_env(cs);
    ArmWalk w;

    if (!(env->sctlr_el1 & SCTLR_M)) {
        return addr & TARGET_PAGE_MASK;
    }
    if (!arm_walk(env, addr, MMU_DATA_LOAD, 1, &w)) {
        return (hwaddr)-1;
    }
    return w.pa & TARGET_PAGE_MASK;
}

uint64_t arm_at_translate(CPUState *cs, uint64_t va, int el, bool write)
{
    CPUARMState *env = arm_env(cs);
    MMUAccessType type = write ? MMU_DATA_STORE : MMU_DATA_LOAD;
    /* 64-bit PAR format: bit 11 is RES1; NS (bit 9) set, non-secure. */
    uint64_t par = 1ULL << 11;
    uint64_t attr;
    ArmWalk w;

    if (!(env->sctlr_el1 & SCTLR_M)) {
        /* Flat mapping, Device-nGnRnE, SH 0 (as QEMU reports it). */
        return par | (va & 0x0000fffffffff000ULL) | 1ULL << 9;
    }
    if (!arm_walk(env, va, type, el, &w)) {
        return par | (uint64_t)(w.fsc & 0x3f) << 1 | 1;     /* F, FST */
    }
    attr = (env->mair_el1 >> (8 * w.attr_idx)) & 0xff;
    return par | (w.pa & 0x0000fffffffff000ULL) | 1ULL << 9 |
           (uint64_t)w.sh << 7 | attr << 56;
}

/*
 * TLBI (C5.5): op is CRm:op2 of SYS with op1 = 0, CRn = 8.  Only EL1&0
 * regime ops are handled; the by-VA forms flush that page for every ASID
 * (a superset of what the spec asks, which is allowed), the rest flush
 * all.  The Inner Shareable forms (CRm = 3) act on every vCPU.  With
 * thread=single the others are not running and are flushed in place;
 * with thread=multi another vCPU may be inside a TB using its TLB, so
 * tlb_flush()/tlb_flush_page() queue a request that it serves at its next
 * TB boundary and wait until it has (or is outside cpu_exec).  The
 * invalidation is then complete when this helper returns, earlier than
 * the architecture asks (at the next DSB: "Ordering and completion of TLB
 * maintenance instructions"); each IS op waits for each other vCPU in
 * turn (docs/devel/tcg-engine.md, MTTCG).
 */
static void arm_tlbi_one(CPUState *cs, bool by_va, uint64_t va)
{
    if (by_va) {
        tlb_flush_page(cs, va);
    } else {
        tlb_flush(cs);
    }
}

void helper_arm_tlbi(CPUState *cs, uint64_t op, uint64_t xt)
{
    uint64_t va = (xt & 0xfffffffffffULL) << 12;
    bool by_va, shared = (op >> 3) == 3;

    /* Xt holds VA[55:12]: sign-extend from bit 55. */
    if (va & (1ULL << 55)) {
        va |= 0xff00000000000000ULL;
    }
    /* VAE1, VAAE1, VALE1, VAALE1 (op2 1, 3, 5, 7), IS or not. */
    by_va = (op & 1) && ((op >> 3) == 3 || (op >> 3) == 7);
    if (shared) {
        CPUState *other;

        CPU_FOREACH(other) {
            arm_tlbi_one(other, by_va, va);
        }
    } else {
        arm_tlbi_one(cs, by_va, va);
    }
}
DEF_HELPER(arm_tlbi, 0, 3, false);
