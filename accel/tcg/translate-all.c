/* SPDX-License-Identifier: MIT */
/* TB cache: code buffer, TB hash table, page tracking and invalidation. */
#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/exec.h"
#include "machina/log.h"
#include "machina/memory.h"
#include "machina/tcg.h"
#include "internal.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

#define DEFAULT_CODE_GEN_BUFFER_SIZE (256 * MiB)
/* Room the backend may write past code_end before it notices. */
#define CODE_GEN_HIGHWATER (16 * KiB)

#define TB_HTABLE_BITS 18
#define TB_HTABLE_SIZE (1u << TB_HTABLE_BITS)

#define PAGE_HASH_BITS 16
#define PAGE_HASH_SIZE (1u << PAGE_HASH_BITS)

/* Per physical page: the TBs that cover part of it. */
typedef struct PageDesc {
    hwaddr page;
    uintptr_t first_tb;         /* tagged: tb | n, list via page_next[n] */
    struct PageDesc *next;
} PageDesc;

static uint8_t *code_gen_buffer;
static size_t code_gen_buffer_size;
static uint8_t *code_gen_start;     /* first byte after the prologue */
static uint8_t *code_gen_ptr;       /* next free byte */

static TranslationBlock *tb_htable[TB_HTABLE_SIZE];
static PageDesc *page_hash[PAGE_HASH_SIZE];
static size_t nr_page_descs;

/* All TBs since the last flush, in code-buffer (tc_ptr) order. */
static TranslationBlock **tb_sorted;
static size_t tb_sorted_nr, tb_sorted_cap;

static pthread_mutex_t tb_mutex = PTHREAD_MUTEX_INITIALIZER;
static __thread bool tb_lock_held;
/*
 * One translation at a time (tcg_ctx, the front ends' translation state
 * and code_gen_ptr are shared): held around tb_gen_code, taken before
 * tb_lock, released by tb_lock_reset() after a longjmp.
 */
static pthread_mutex_t tb_gen_mutex = PTHREAD_MUTEX_INITIALIZER;
static __thread bool tb_gen_held;

volatile unsigned tb_flush_count;
volatile int tb_flush_pending;
/* Bumped whenever a page with code is written by invalidation. */
static volatile unsigned code_write_gen;

__thread TranslationBlock *tcg_cur_tb;
__thread CPUState *tcg_cur_cpu;

void tb_lock(void)
{
    pthread_mutex_lock(&tb_mutex);
    tb_lock_held = true;
}

void tb_unlock(void)
{
    tb_lock_held = false;
    pthread_mutex_unlock(&tb_mutex);
}

void tb_lock_reset(void)
{
    if (tb_lock_held) {
        tb_unlock();
    }
    if (tb_gen_held) {
        tb_gen_held = false;
        pthread_mutex_unlock(&tb_gen_mutex);
    }
}

static void tb_gen_lock(void)
{
    pthread_mutex_lock(&tb_gen_mutex);
    tb_gen_held = true;
}

static void tb_gen_unlock(void)
{
    tb_gen_held = false;
    pthread_mutex_unlock(&tb_gen_mutex);
}

static inline uint32_t tb_hash(hwaddr phys_pc, vaddr pc, uint64_t flags)
{
    uint64_t h = phys_pc * 0x9e3779b97f4a7c15ull;

    h ^= pc * 0xc2b2ae3d27d4eb4full;
    h ^= flags * 0x165667b19e3779f9ull;
    h ^= h >> 31;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 29;
    return (uint32_t)h & (TB_HTABLE_SIZE - 1);
}

/* The pc in tb's hash key: none for pc-relative code. */
static inline vaddr tb_key_pc(const TranslationBlock *tb)
{
    return tb->pcrel ? 0 : tb->pc;
}

static inline uint32_t page_hash_fn(hwaddr page)
{
    uint64_t h = (page >> TARGET_PAGE_BITS) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> (64 - PAGE_HASH_BITS));
}

static inline TranslationBlock *tagged_tb(uintptr_t v)
{
    return (TranslationBlock *)(v & ~(uintptr_t)TB_EXIT_MASK);
}

static inline int tagged_n(uintptr_t v)
{
    return (int)(v & TB_EXIT_MASK);
}

/* ---- pages (tb_lock held) ---- */

static PageDesc *page_find(hwaddr page)
{
    PageDesc *pd;

    for (pd = page_hash[page_hash_fn(page)]; pd; pd = pd->next) {
        if (pd->page == page) {
            return pd;
        }
    }
    return NULL;
}

static PageDesc *page_find_alloc(hwaddr page, bool *created)
{
    PageDesc *pd = page_find(page);
    uint32_t h;

    *created = false;
    if (pd) {
        return pd;
    }
    h = page_hash_fn(page);
    pd = mc_malloc0(sizeof(*pd));
    pd->page = page;
    pd->next = page_hash[h];
    page_hash[h] = pd;
    nr_page_descs++;
    *created = true;
    return pd;
}

static void page_free(PageDesc *pd)
{
    PageDesc **pp;

    for (pp = &page_hash[page_hash_fn(pd->page)]; *pp; pp = &(*pp)->next) {
        if (*pp == pd) {
            *pp = pd->next;
            free(pd);
            nr_page_descs--;
            return;
        }
    }
}

static void page_free_all(void)
{
    unsigned i;

    for (i = 0; i < PAGE_HASH_SIZE; i++) {
        PageDesc *pd = page_hash[i];
        while (pd) {
            PageDesc *next = pd->next;
            free(pd);
            pd = next;
        }
        page_hash[i] = NULL;
    }
    nr_page_descs = 0;
}

static void page_remove_tb(PageDesc *pd, TranslationBlock *tb, int n)
{
    uintptr_t prev = 0, cur = pd->first_tb;

    while (cur) {
        TranslationBlock *t = tagged_tb(cur);
        int tn = tagged_n(cur);
        uintptr_t next = (uintptr_t)t->page_next[tn];
        if (t == tb && tn == n) {
            if (prev) {
                tagged_tb(prev)->page_next[tagged_n(prev)] =
                    (TranslationBlock *)next;
            } else {
                pd->first_tb = next;
            }
            return;
        }
        prev = cur;
        cur = next;
    }
}

bool page_has_code(hwaddr phys_page)
{
    bool ret;

    tb_lock();
    ret = page_find(phys_page & TARGET_PAGE_MASK) != NULL;
    tb_unlock();
    return ret;
}

void page_mark_code(hwaddr phys_page)
{
    bool created;

    phys_page &= TARGET_PAGE_MASK;
    tb_lock();
    page_find_alloc(phys_page, &created);
    tb_unlock();
    if (created) {
        /* Existing TLB entries may map the page writable without NOTDIRTY. */
        tlb_protect_code(phys_page);
    }
}

/* ---- TB hash table ---- */

/*
 * A TB that crosses into a second page is only valid while the second
 * virtual page still maps to the same physical page.  Checked without
 * the lock: the walk may fill the TLB.  TB structs stay valid until a
 * flush, which only this (the vCPU) thread performs.
 */
static bool tb_page2_matches(CPUState *cpu, const TranslationBlock *tb,
                             vaddr pc, uint64_t flags)
{
    vaddr va2 = (pc & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE;
    int mmu_idx = cpu_fetch_mmu_index(cpu, flags);
    hwaddr p2 = get_page_addr_code_probe(cpu, va2, mmu_idx);

    return p2 != (hwaddr)-1 && (p2 & TARGET_PAGE_MASK) == tb->phys_page2;
}

/*
 * Readers walk the hash chains without a lock: writers (tb_lock held)
 * publish a TB with a release store of the pointer to it, after every
 * field is set, and unlinking leaves the removed TB's hash_next intact,
 * so a reader standing on it still reaches the rest of the chain.  TB
 * memory is reused only by tb_flush, which runs with every vCPU outside
 * cpu_exec (exclusive section) or on the only vCPU thread.
 *
 * The first valid match wins: two valid TBs with one key differ only in
 * their second page, and at most one of those matches the current
 * mapping.  The page-2 probe may fill the TLB and even invalidate TBs
 * (a PTE A/D update on a code page), but an unlinked TB keeps its
 * hash_next, so the walk simply goes on after a mismatch.
 */
TranslationBlock *tb_htable_lookup(CPUState *cpu, vaddr pc, hwaddr phys_pc,
                                   uint64_t flags)
{
    bool pcrel = cpu->ops->pcrel;
    TranslationBlock *tb;

    for (tb = __atomic_load_n(&tb_htable[tb_hash(phys_pc, pcrel ? 0 : pc,
                                                 flags)],
                              __ATOMIC_ACQUIRE);
         tb; tb = __atomic_load_n(&tb->hash_next, __ATOMIC_ACQUIRE)) {
        if (tb->phys_pc == phys_pc && tb->flags == flags &&
            (pcrel || tb->pc == pc) &&
            !__atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE) &&
            (tb->phys_page2 == (hwaddr)-1 ||
             tb_page2_matches(cpu, tb, pc, flags))) {
            return tb;
        }
    }
    return NULL;
}

/* ---- jump cache ---- */

void tb_jmp_cache_clear(CPUState *cpu)
{
    if (!cpu->tb_jmp_cache) {
        return;
    }
    /* Readers tolerate a stale entry (it is checked), so plain stores. */
    memset(cpu->tb_jmp_cache, 0, TB_JMP_CACHE_SIZE *
           sizeof(*cpu->tb_jmp_cache));
}

static void tb_jmp_cache_clear_group(CPUState *cpu, vaddr va)
{
    unsigned base = tb_jmp_cache_hash_page(va);
    unsigned i;

    /* The group also holds the TBs of every 64th other page: keep them. */
    va &= TARGET_PAGE_MASK;
    for (i = 0; i < (1u << TB_JMP_ADDR_BITS); i++) {
        TBJmpCacheEntry *e = &cpu->tb_jmp_cache[base + i];
        if ((e->pc & TARGET_PAGE_MASK) == va) {
            __atomic_store_n(&e->tb, NULL, __ATOMIC_RELAXED);
        }
    }
}

void tb_jmp_cache_clear_page(CPUState *cpu, vaddr va)
{
    if (!cpu->tb_jmp_cache) {
        return;
    }
    /* A TB starting on the previous page may extend into this one. */
    tb_jmp_cache_clear_group(cpu, va - TARGET_PAGE_SIZE);
    tb_jmp_cache_clear_group(cpu, va);
}

/* Entries of TBs on non-global pages count only under their ASID. */
void tb_jmp_cache_set_asid(CPUState *cpu, uint16_t asid)
{
    cpu->tb_jmp_gen = asid;
}

/* ---- chaining (tb_lock held unless noted) ---- */

static void tb_reset_jump(TranslationBlock *tb, int n)
{
    uintptr_t addr = (uintptr_t)tb->tc_ptr + tb->jmp_reset_off[n];

    tb_target_set_jmp_target(tb, n, addr);
    tb->jmp_dest[n] = NULL;
}

/* Remove (src, n) from the incoming list of its destination. */
static void tb_remove_from_jmp_list(TranslationBlock *src, int n)
{
    TranslationBlock *dest = src->jmp_dest[n];
    uintptr_t *pp;

    if (!dest) {
        return;
    }
    pp = &dest->jmp_list_head;
    while (*pp) {
        TranslationBlock *t = tagged_tb(*pp);
        int tn = tagged_n(*pp);
        if (t == src && tn == n) {
            *pp = src->jmp_next[n];
            break;
        }
        pp = &t->jmp_next[tn];
    }
    src->jmp_dest[n] = NULL;
}

void tb_add_jump(TranslationBlock *last_tb, int n, TranslationBlock *tb)
{
    if (n < 0 || n > 1) {
        return;
    }
    tb_lock();
    if (!last_tb->invalid && !tb->invalid && !last_tb->jmp_dest[n]) {
        last_tb->jmp_dest[n] = tb;
        last_tb->jmp_next[n] = tb->jmp_list_head;
        tb->jmp_list_head = (uintptr_t)last_tb | (uintptr_t)n;
        tb_target_set_jmp_target(last_tb, n, (uintptr_t)tb->tc_ptr);
    }
    tb_unlock();
}

/* ---- invalidation ---- */

uint32_t tb_inval_epoch;

/* Unlink tb from everything (tb_lock held); pages other than cur may go. */
static void tb_phys_invalidate(TranslationBlock *tb, hwaddr cur_page)
{
    TranslationBlock **pp;
    uintptr_t in;
    CPUState *cpu;
    int n;

    if (tb->invalid) {
        return;
    }
    __atomic_store_n(&tb->invalid, true, __ATOMIC_RELEASE);
    __atomic_add_fetch(&tb_inval_epoch, 1, __ATOMIC_RELEASE);

    for (pp = &tb_htable[tb_hash(tb->phys_pc, tb_key_pc(tb), tb->flags)];
         *pp;
         pp = &(*pp)->hash_next) {
        if (*pp == tb) {
            __atomic_store_n(pp, tb->hash_next, __ATOMIC_RELEASE);
            break;
        }
    }

    for (n = 0; n < 2; n++) {
        hwaddr page = n == 0 ? (tb->phys_pc & TARGET_PAGE_MASK)
                             : tb->phys_page2;
        PageDesc *pd;
        if (page == (hwaddr)-1) {
            continue;
        }
        pd = page_find(page);
        if (pd) {
            page_remove_tb(pd, tb, n);
            if (!pd->first_tb && page != cur_page) {
                page_free(pd);
            }
        }
    }

    CPU_FOREACH(cpu) {
        unsigned h;
        if (!cpu->tb_jmp_cache) {
            continue;
        }
        h = tb_jmp_cache_hash(tb->pc);
        if (cpu->tb_jmp_cache[h].tb == tb) {
            __atomic_store_n(&cpu->tb_jmp_cache[h].tb, NULL,
                             __ATOMIC_RELAXED);
        }
    }

    /* Incoming direct jumps go back to their exit stubs. */
    in = tb->jmp_list_head;
    while (in) {
        TranslationBlock *src = tagged_tb(in);
        int sn = tagged_n(in);
        in = src->jmp_next[sn];
        tb_reset_jump(src, sn);
    }
    tb->jmp_list_head = 0;

    for (n = 0; n < 2; n++) {
        tb_remove_from_jmp_list(tb, n);
    }
}

/* Guest physical bytes [*s, *e) of tb that lie in its nth page. */
static void tb_page_range(TranslationBlock *tb, int n, hwaddr *s, hwaddr *e)
{
    uint64_t size = tb->size ? tb->size : 1;
    uint64_t first = TARGET_PAGE_SIZE - (tb->pc & ~TARGET_PAGE_MASK);

    if (n == 0) {
        *s = tb->phys_pc;
        *e = tb->phys_pc + MIN(size, first);
    } else {
        *s = tb->phys_page2;
        *e = tb->phys_page2 + (size > first ? size - first : 1);
    }
}

/* Invalidate the TBs of one page that overlap [start, end) (locked). */
static void tb_invalidate_page(hwaddr page, hwaddr start, hwaddr end)
{
    PageDesc *pd = page_find(page);
    uintptr_t it;

    if (!pd) {
        return;
    }
    __atomic_add_fetch(&code_write_gen, 1, __ATOMIC_SEQ_CST);
    it = pd->first_tb;
    while (it) {
        TranslationBlock *tb = tagged_tb(it);
        int n = tagged_n(it);
        hwaddr s, e;
        it = (uintptr_t)tb->page_next[n];
        tb_page_range(tb, n, &s, &e);
        if (s < end && start < e) {
            tb_phys_invalidate(tb, page);
        }
    }
    if (!pd->first_tb) {
        page_free(pd);
    }
}

void tb_invalidate_phys_range(hwaddr start, hwaddr end)
{
    hwaddr first, last, page;

    if (end <= start) {
        return;
    }
    first = start & TARGET_PAGE_MASK;
    last = (end - 1) & TARGET_PAGE_MASK;
    tb_lock();
    if ((last - first) / TARGET_PAGE_SIZE > 4 * nr_page_descs + 64) {
        /* Huge range (a loader, a bad length): visit only code pages. */
        hwaddr *pages = mc_malloc0((nr_page_descs + 1) * sizeof(*pages));
        size_t nr = 0, i;
        for (i = 0; i < PAGE_HASH_SIZE; i++) {
            PageDesc *pd;
            for (pd = page_hash[i]; pd; pd = pd->next) {
                if (pd->page >= first && pd->page <= last) {
                    pages[nr++] = pd->page;
                }
            }
        }
        for (i = 0; i < nr; i++) {
            tb_invalidate_page(pages[i], start, end);
        }
        free(pages);
    } else {
        for (page = first;; page += TARGET_PAGE_SIZE) {
            tb_invalidate_page(page, start, end);
            if (page == last) {
                break;
            }
        }
    }
    tb_unlock();
}

static void tb_ram_write_notify(hwaddr addr, size_t len)
{
    if (len == 0) {
        return;
    }
    if (addr + len < addr) {
        tb_invalidate_phys_range(addr, (hwaddr)-1);
        return;
    }
    tb_invalidate_phys_range(addr, addr + len);
}

/* ---- flush ---- */

void tb_flush_now(void)
{
    CPUState *cpu;

    tb_lock();
    memset(tb_htable, 0, sizeof(tb_htable));
    page_free_all();
    tb_sorted_nr = 0;
    code_gen_ptr = code_gen_start;
    CPU_FOREACH(cpu) {
        tb_jmp_cache_clear(cpu);
    }
    __atomic_add_fetch(&tb_flush_count, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&code_write_gen, 1, __ATOMIC_SEQ_CST);
    tb_flush_pending = 0;
    tb_unlock();
    log_mask_printf(LOG_EXEC, "tb_flush: code buffer emptied\n");
}

void tb_flush(CPUState *cpu)
{
    CPUState *c;

    (void)cpu;      /* the whole cache goes, whoever asks */
    if (!code_gen_buffer) {
        return;
    }
    if (!accel_vcpu_thread_running) {
        tb_flush_now();
        return;
    }
    /*
     * Generated code may be on the stack below us (a helper), or another
     * thread asks: only the vCPU loop may empty the buffer, between TBs.
     */
    tb_flush_pending = 1;
    CPU_FOREACH(c) {
        cpu_exit(c);
        if (tcg_mttcg) {
            cpu_kick(c);
        }
    }
}

/*
 * MTTCG: the code buffer is full.  Other vCPUs may be running code in
 * it, so leave cpu_exec (at a TB boundary: nothing of the new TB ran)
 * and let the vCPU thread empty it in an exclusive section.
 */
static void NORETURN tb_gen_flush_and_exit(CPUState *cpu)
{
    tb_flush_pending = 1;
    tb_gen_unlock();
    cpu->exception_index = EXCP_INTERRUPT;
    cpu_loop_exit(cpu);
}

/* ---- host pc -> TB ---- */

static TranslationBlock *tb_find_by_host_pc_locked(uintptr_t host_pc)
{
    size_t lo = 0, hi = tb_sorted_nr;
    TranslationBlock *tb;

    if (!code_gen_buffer || host_pc < (uintptr_t)code_gen_start ||
        host_pc >= (uintptr_t)code_gen_ptr) {
        return NULL;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)tb_sorted[mid]->tc_ptr <= host_pc) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) {
        return NULL;
    }
    tb = tb_sorted[lo - 1];
    if (host_pc >= (uintptr_t)tb->tc_ptr + tb->tc_size) {
        return NULL;
    }
    return tb;
}

TranslationBlock *tb_find_by_host_pc(uintptr_t host_pc)
{
    TranslationBlock *tb;

    /* Another vCPU may be appending to (reallocating) tb_sorted. */
    if (tb_lock_held) {
        return tb_find_by_host_pc_locked(host_pc);
    }
    tb_lock();
    tb = tb_find_by_host_pc_locked(host_pc);
    tb_unlock();
    return tb;
}

bool cpu_restore_state(CPUState *cpu, uintptr_t retaddr)
{
    TranslationBlock *tb;
    uintptr_t off;
    uint32_t i, nb;

    if (!retaddr) {
        return false;
    }
    tb = tb_find_by_host_pc(retaddr - 1);
    if (!tb || (nb = tb_nb_insns(tb)) == 0) {
        return false;
    }
    /* retaddr - 1 lies inside the call insn of guest insn i. */
    off = retaddr - 1 - (uintptr_t)tb->tc_ptr;
    for (i = 0; i < nb; i++) {
        if (off < tb->insn_end[i]) {
            break;
        }
    }
    if (i == nb) {
        /* Out-of-line code that did not pass a main-line address. */
        log_mask_printf(LOG_INT, "restore_state: host pc %p past last insn "
                        "of TB pc 0x%" PRIx64 "\n", (void *)retaddr, tb->pc);
        i = nb - 1;
    }
    cpu->ops->restore_state(cpu, tb->insn_data[i]);
    return true;
}

size_t tb_count(void)
{
    return tb_sorted_nr;
}

void tb_cache_dump_stats(FILE *f)
{
    size_t used = 0, tbs = 0, longest = 0, hist[5] = { 0 };
    size_t code_used;
    unsigned i;

    if (!code_gen_buffer) {
        return;
    }
    tb_lock();
    for (i = 0; i < TB_HTABLE_SIZE; i++) {
        size_t n = 0;
        TranslationBlock *tb;

        for (tb = tb_htable[i]; tb; tb = tb->hash_next) {
            n++;
        }
        used += n != 0;
        tbs += n;
        longest = MAX(longest, n);
        hist[MIN(n, (size_t)4)]++;
    }
    code_used = (size_t)(code_gen_ptr - code_gen_buffer);
    tb_unlock();
    fprintf(f, "TB hash table:                %zu TBs in %zu/%u buckets, "
            "longest chain %zu\n", tbs, used, TB_HTABLE_SIZE, longest);
    fprintf(f, "TB hash chains 0/1/2/3/4+:    %zu/%zu/%zu/%zu/%zu\n",
            hist[0], hist[1], hist[2], hist[3], hist[4]);
    fprintf(f, "Code buffer:                  %zu of %zu KiB used, "
            "%u flushes\n", (size_t)(code_used / KiB),
            (size_t)(code_gen_buffer_size / KiB),
            tb_flush_count);
}

/* ---- translation ---- */

static void tb_sorted_append(TranslationBlock *tb)
{
    if (tb_sorted_nr == tb_sorted_cap) {
        tb_sorted_cap = tb_sorted_cap ? tb_sorted_cap * 2 : 4096;
        tb_sorted = mc_realloc(tb_sorted, tb_sorted_cap * sizeof(*tb_sorted));
    }
    tb_sorted[tb_sorted_nr++] = tb;
}

/* Make tb findable: hash table, page lists, host-pc index. */
static void tb_commit(TranslationBlock *tb)
{
    uint32_t h = tb_hash(tb->phys_pc, tb_key_pc(tb), tb->flags);
    bool created;
    PageDesc *pd;

    pd = page_find_alloc(tb->phys_pc & TARGET_PAGE_MASK, &created);
    tb->page_next[0] = (TranslationBlock *)pd->first_tb;
    pd->first_tb = (uintptr_t)tb | 0;
    if (tb->phys_page2 != (hwaddr)-1) {
        pd = page_find_alloc(tb->phys_page2, &created);
        tb->page_next[1] = (TranslationBlock *)pd->first_tb;
        pd->first_tb = (uintptr_t)tb | 1;
    }
    tb->hash_next = tb_htable[h];
    /* Publication: lock-free readers see a complete TB. */
    __atomic_store_n(&tb_htable[h], tb, __ATOMIC_RELEASE);
    tb_sorted_append(tb);
}

static FILE *log_out(void)
{
    return log_file ? log_file : stderr;
}

static void tb_log_in_asm(CPUState *cpu, TranslationBlock *tb, int mmu_idx)
{
    uint64_t first = TARGET_PAGE_SIZE - (tb->pc & ~TARGET_PAGE_MASK);
    uint64_t len1 = MIN((uint64_t)tb->size, first);
    void *host = NULL;

    log_printf("IN: pc 0x%016" PRIx64 " flags 0x%" PRIx64 "\n",
               tb->pc, tb->flags);
    if (get_page_addr_code_probe(cpu, tb->pc, mmu_idx) == (hwaddr)-1) {
        return;
    }
    get_page_addr_code_hostp(cpu, tb->pc, mmu_idx, &host);
    if (host && len1) {
        log_disas(cpu->ops->disas, host, len1, tb->pc);
    }
    if (tb->size > len1) {
        vaddr va2 = tb->pc + len1;
        host = NULL;
        if (get_page_addr_code_probe(cpu, va2, mmu_idx) != (hwaddr)-1) {
            get_page_addr_code_hostp(cpu, va2, mmu_idx, &host);
        }
        if (host) {
            log_disas(cpu->ops->disas, host, tb->size - len1, va2);
        }
    }
    log_printf("\n");
}

TranslationBlock *tb_gen_code(CPUState *cpu, vaddr pc, uint64_t flags,
                              int max_insns)
{
    int mmu_idx = cpu_fetch_mmu_index(cpu, flags);
    uint8_t *buf_end = code_gen_buffer + code_gen_buffer_size;
    int attempts = 0;
    hwaddr phys_pc;

    if (max_insns <= 0 || max_insns > TCG_MAX_INSNS) {
        max_insns = TCG_MAX_INSNS;
    }
    /* May raise an instruction fault (longjmp): nothing is held yet. */
    phys_pc = get_page_addr_code_hostp(cpu, pc, mmu_idx, NULL);

    tb_gen_lock();
    if (tcg_mttcg && max_insns == TCG_MAX_INSNS) {
        /* Another vCPU may have translated it while we waited. */
        TranslationBlock *done = tb_htable_lookup(cpu, pc, phys_pc, flags);

        if (done) {
            tb_gen_unlock();
            return done;
        }
    }
    for (;;) {
        bool empty = code_gen_ptr == code_gen_start;
        unsigned gen;
        TranslationBlock *tb;
        uint8_t *p, *code;
        uint32_t nb, i;
        int size;

        attempts++;
        page_mark_code(phys_pc);
        gen = __atomic_load_n(&code_write_gen, __ATOMIC_SEQ_CST);

        p = (uint8_t *)ROUND_UP((uintptr_t)code_gen_ptr, CODE_GEN_ALIGN);
        if (p + sizeof(*tb) + 4 * CODE_GEN_HIGHWATER > buf_end) {
            if (tcg_mttcg) {
                tb_gen_flush_and_exit(cpu);
            }
            tb_flush_now();
            continue;
        }
        tb = (TranslationBlock *)p;
        memset(tb, 0, sizeof(*tb));
        tb->pc = pc;
        tb->flags = flags;
        tb->phys_pc = phys_pc;
        tb->phys_page2 = (hwaddr)-1;
        tb->pcrel = cpu->ops->pcrel;

        tcg_func_start();
        tcg_cur_tb = tb;
        tcg_cur_cpu = cpu;
        cpu->ops->translate(cpu, tb, max_insns);
        tcg_cur_tb = NULL;
        tcg_cur_cpu = NULL;

        /* Code follows the TB struct; restore data follows the code. */
        code = tb_code(tb);

        if (log_enabled(LOG_OP) && log_in_dfilter(pc)) {
            log_printf("OP: pc 0x%016" PRIx64 "\n", pc);
            tcg_dump_ops(tcg_ctx, log_out());
            log_printf("\n");
        }
        size = tcg_gen_code(tcg_ctx, code, buf_end - CODE_GEN_HIGHWATER);
        if (size < 0) {
            if (empty) {
                fatal("tb_gen_code: TB at 0x%" PRIx64 " does not fit in an "
                      "empty code buffer", pc);
            }
            if (tcg_mttcg) {
                tb_gen_flush_and_exit(cpu);
            }
            tb_flush_now();
            continue;
        }
        if (log_enabled(LOG_OP_OPT) && log_in_dfilter(pc)) {
            log_printf("OP after optimization: pc 0x%016" PRIx64 "\n", pc);
            tcg_dump_ops(tcg_ctx, log_out());
            log_printf("\n");
        }

        /* nb_insns is known now; the high-water gap leaves room for it. */
        nb = (uint32_t)tcg_ctx->nb_insns;
        if (nb > TCG_MAX_INSNS) {
            fatal("tb_gen_code: front end emitted %u insns", nb);
        }
        p = (uint8_t *)ROUND_UP((uintptr_t)(code + size), 8);
        tb->insn_data = (uint64_t *)p;
        p += nb * sizeof(uint64_t);
        tb->insn_end = (uint32_t *)p;
        p += nb * sizeof(uint32_t);
        tb->tc_ptr = code;
        tb->tc_size = (uint32_t)size;
        for (i = 0; i < nb; i++) {
            tb->insn_data[i] = tcg_ctx->insn_data[i];
            tb->insn_end[i] = tcg_ctx->insn_end_off[i];
        }
        /*
         * Release, paired with tb_nb_insns(): a vCPU can reach this TB
         * through a patched jump in generated code, which orders nothing
         * a race detector can see; this store publishes the insn tables.
         */
        __atomic_store_n(&tb->nb_insns, nb, __ATOMIC_RELEASE);
        for (i = 0; i < 2; i++) {
            tb->jmp_insn_off[i] = tcg_ctx->goto_tb_off[i];
            tb->jmp_reset_off[i] = tcg_ctx->goto_tb_reset[i];
        }

        tb_lock();
        if (__atomic_load_n(&code_write_gen, __ATOMIC_SEQ_CST) != gen &&
            attempts < 16) {
            /*
             * Guest code may have been written meanwhile (DMA): translate
             * again.  A guest that keeps racing gets the last version.
             */
            tb_unlock();
            continue;
        }
        tb_commit(tb);
        code_gen_ptr = p;
        tb_unlock();
        tb_gen_unlock();

        if (log_enabled(LOG_IN_ASM) && log_in_dfilter(pc)) {
            tb_log_in_asm(cpu, tb, mmu_idx);
        }
        if (log_enabled(LOG_OUT_ASM) && log_in_dfilter(pc)) {
            log_printf("OUT: [size=%d] for pc 0x%016" PRIx64 "\n", size, pc);
            log_disas(DISAS_X86_64, code, (size_t)size, (uintptr_t)code);
            log_printf("\n");
        }
        return tb;
    }
}

/*
 * The code buffer on transparent huge pages (host_mmap_huge): generated
 * code jumps all over the buffer, and with 4 KiB pages the host's iTLB
 * and dTLB misses cost a visible share of the run time (translation
 * cycles per TB dropped ~20% on the installer boots).
 */
static void *code_gen_alloc(size_t size)
{
    return host_mmap_huge(size, PROT_READ | PROT_WRITE | PROT_EXEC);
}

void tcg_exec_init(size_t code_buffer_size)
{
    void *buf;
    int n;

    if (code_buffer_size == 0) {
        code_buffer_size = DEFAULT_CODE_GEN_BUFFER_SIZE;
    }
    if (code_buffer_size < 1 * MiB) {
        code_buffer_size = 1 * MiB;
    }
    code_buffer_size = ROUND_UP(code_buffer_size, (size_t)TARGET_PAGE_SIZE);
    buf = code_gen_alloc(code_buffer_size);
    if (!buf) {
        fatal("cannot map %zu bytes for the TCG code buffer",
              code_buffer_size);
    }
    code_gen_buffer = buf;
    code_gen_buffer_size = code_buffer_size;

    tcg_context_init();
    n = tcg_target_prologue(code_gen_buffer, code_gen_buffer_size);
    if (n <= 0 || (size_t)n >= code_gen_buffer_size / 2) {
        fatal("TCG backend failed to emit its prologue");
    }
    tcg_qemu_tb_exec = (TCGPrologueFn)(void *)code_gen_buffer;
    code_gen_start = code_gen_buffer + ROUND_UP((size_t)n, CODE_GEN_ALIGN);
    code_gen_ptr = code_gen_start;

    memory_ram_write_notify = tb_ram_write_notify;
}
