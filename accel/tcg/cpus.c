/* SPDX-License-Identifier: MIT */
/*
 * Generic vCPU functions and the TCG vCPU threads: by default one thread
 * runs all CPUs round-robin with a time-slice kicker (thread=single);
 * with -accel tcg,thread=multi each CPU has a thread of its own (MTTCG).
 * Pause/resume, exclusive sections.
 */
#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/exec.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include "machina/memory.h"
#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>
#include <time.h>

#define RR_SLICE_NS     (1000 * 1000)       /* 1 ms per CPU */
#define RR_TICK_NS      (1000 * 1000)       /* kick thread period */
/* CPU-time budget of a slice while ops->no_preempt holds (bounded). */
#define RR_NO_PREEMPT_NS (8 * 1000 * 1000)
#define IDLE_WAIT_NS    (100 * 1000 * 1000) /* safety net for lost kicks */

CPUState *first_cpu;
void (*cpu_debug_handler)(CPUState *cpu);
static CPUState **cpu_list_tail = &first_cpu;
int accel_nr_cpus;
static AccelCPUState accel_cpus[ACCEL_MAX_CPUS];

volatile bool accel_vcpu_thread_running;

static __thread bool is_vcpu_thread;
/* The CPU this thread runs (MTTCG: fixed; RR: the one in cpu_exec). */
static __thread CPUState *thread_cpu;
static pthread_t vcpu_thread;
static pthread_t kick_thread;

/*
 * vcpu_mutex guards the fields below and is never held around code.
 * pause_requested and exclusive_active are written under it but read
 * without it (between TBs): __atomic on both sides.  Seq_cst loads are
 * plain movs on x86-64; they pair with the seq_cst clear of
 * exit_request in cpu_handle_interrupt() (store flag, cpu_exit() vs
 * clear exit_request, load flag: one side always sees the other).
 */
static pthread_mutex_t vcpu_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t vcpu_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t parked_cond = PTHREAD_COND_INITIALIZER;
static bool kick_pending;
static bool pause_requested;
static bool vcpu_parked;

/*
 * Round-robin state shared with the kick thread and with cpu_kick()
 * callers on other threads, all through __atomic: the CPU in cpu_exec,
 * an event kick or spin-wait hint that ends the slice now, and the kick
 * thread's tick for the slice (see kick_thread_fn).
 */
static CPUState *running_cpu;
static int rr_slice_expired;
static unsigned rr_slice_tick;
/* Bumped at each slice start, so the kick thread can tell slices apart. */
static unsigned rr_slice_seq;
/* rr_slice_seq of the current slice (vCPU thread only). */
static unsigned rr_cur_seq;
/* The vCPU thread's CPU-time clock: slices are measured on it. */
static clockid_t vcpu_cpu_clock;
static bool vcpu_cpu_clock_ok;

/*
 * MTTCG bookkeeping, under vcpu_mutex: per-CPU threads, how many are
 * parked, and exclusive sections (all other vCPUs out of cpu_exec).
 */
static int mttcg_nr_threads;
static int mttcg_nr_parked;
static bool exclusive_active;
static pthread_cond_t exclusive_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t exclusive_resume = PTHREAD_COND_INITIALIZER;

/* rr_slice_tick: (slice seq << 2) | one of these. */
#define RR_TICK_SOFT    1   /* slice used up; no_preempt code may keep on */
#define RR_TICK_LATE    2   /* past RR_NO_PREEMPT_NS too */
#define RR_TICK_SEQ(s)  ((s) & (UINT_MAX >> 2))

static bool pause_is_requested(void)
{
    return __atomic_load_n(&pause_requested, __ATOMIC_SEQ_CST);
}

static bool exclusive_is_active(void)
{
    return __atomic_load_n(&exclusive_active, __ATOMIC_SEQ_CST);
}

static bool flush_is_pending(void)
{
    return __atomic_load_n(&tb_flush_pending, __ATOMIC_SEQ_CST);
}

/* Under vcpu_mutex. */
static void set_pause_requested(bool v)
{
    __atomic_store_n(&pause_requested, v, __ATOMIC_SEQ_CST);
}

/* ---- generic CPU functions ---- */

void cpu_register(CPUState *cpu)
{
    AccelCPUState *acs;

    if (accel_nr_cpus >= ACCEL_MAX_CPUS) {
        fatal("too many CPUs (max %d)", ACCEL_MAX_CPUS);
    }
    cpu->cpu_index = accel_nr_cpus++;
    cpu->next = NULL;
    *cpu_list_tail = cpu;
    cpu_list_tail = &cpu->next;

    cpu->exception_index = EXCP_NONE;
    if (!cpu->tb_jmp_cache) {
        cpu->tb_jmp_cache = mc_malloc0(TB_JMP_CACHE_SIZE *
                                       sizeof(*cpu->tb_jmp_cache));
    }
    memset(cpu->tlb.table, 0xff, sizeof(cpu->tlb.table));
    acs = &accel_cpus[cpu->cpu_index];
    pthread_cond_init(&acs->halt_cond, NULL);
    pthread_mutex_init(&acs->flush_lock, NULL);
}

AccelCPUState *accel_cpu_state(CPUState *cpu)
{
    int i = cpu->cpu_index;

    if (i < 0 || i >= accel_nr_cpus) {
        fatal("CPU %d used by the TCG engine was never registered", i);
    }
    return &accel_cpus[i];
}

bool accel_on_vcpu_thread(void)
{
    return !accel_vcpu_thread_running || is_vcpu_thread;
}

bool accel_on_cpu_thread(CPUState *cpu)
{
    if (!accel_vcpu_thread_running) {
        return true;
    }
    if (tcg_mttcg) {
        return thread_cpu == cpu;
    }
    return is_vcpu_thread;
}

void cpu_exit(CPUState *cpu)
{
    __atomic_store_n(&cpu->exit_request, 1, __ATOMIC_SEQ_CST);
}

CPUState *cpu_current(void)
{
    if (tcg_mttcg) {
        return thread_cpu;
    }
    return is_vcpu_thread ? __atomic_load_n(&running_cpu, __ATOMIC_RELAXED)
                          : NULL;
}

/* MTTCG with more vCPU threads than host CPUs to run them on? */
static bool mttcg_oversubscribed(void)
{
    static int online;      /* vCPU threads race to set it: atomics */
    int n = __atomic_load_n(&online, __ATOMIC_RELAXED);

    if (!n) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);

        n = c > 0 ? (int)c : 1;
        __atomic_store_n(&online, n, __ATOMIC_RELAXED);
    }
    return accel_nr_cpus > n;
}

void cpu_yield(CPUState *cpu)
{
    if (!tcg_mttcg) {
        if (accel_nr_cpus > 1) {
            __atomic_store_n(&rr_slice_expired, 1, __ATOMIC_RELAXED);
            cpu_exit(cpu);
        }
        return;
    }
    /*
     * MTTCG: the CPU waited for runs on a thread of its own, but when
     * vCPU threads outnumber host CPUs it may be preempted and wait for
     * this spinner's host time slice.  Give the host CPU away, as a
     * spin-wait hint asks (lock holders, OpenSBI 1.1's HSM start: see
     * docs/devel/tcg-engine.md).
     */
    if (mttcg_oversubscribed()) {
        sched_yield();
    }
}

void cpu_kick(CPUState *cpu)
{
    CPUState *cur;

    if (tcg_mttcg) {
        AccelCPUState *acs = accel_cpu_state(cpu);

        /* Wake its thread if it sleeps halted; the flag covers a race. */
        pthread_mutex_lock(&vcpu_mutex);
        acs->kicked = true;
        pthread_cond_broadcast(&acs->halt_cond);
        pthread_mutex_unlock(&vcpu_mutex);
        return;
    }

    cur = __atomic_load_n(&running_cpu, __ATOMIC_RELAXED);
    if (cur && cur != cpu) {
        /*
         * The running CPU may be spinning on a reply from this one (an
         * IPI, a remote fence): end its slice so that cpu gets to run.
         * cpu_exit()'s seq_cst store publishes the flag to the vCPU.
         */
        __atomic_store_n(&rr_slice_expired, 1, __ATOMIC_RELAXED);
        cpu_exit(cur);
    }
    pthread_mutex_lock(&vcpu_mutex);
    kick_pending = true;
    pthread_cond_broadcast(&vcpu_cond);
    pthread_mutex_unlock(&vcpu_mutex);
}

void cpu_interrupt(CPUState *cpu, uint32_t mask)
{
    /* Request bits first, then the exit flag the TB entry checks. */
    __atomic_or_fetch(&cpu->interrupt_request, mask, __ATOMIC_SEQ_CST);
    cpu_exit(cpu);
    cpu_kick(cpu);
}

void cpu_reset_interrupt(CPUState *cpu, uint32_t mask)
{
    __atomic_and_fetch(&cpu->interrupt_request, ~mask, __ATOMIC_SEQ_CST);
}

/* ---- scheduling ---- */

/*
 * Round-robin: another CPU could use the thread.  On the vCPU thread,
 * which owns every CPU's halted flag; stopped is atomic because PSCI
 * CPU_ON may clear it from another vCPU thread under MTTCG.
 */
static bool rr_others_runnable(CPUState *cur)
{
    CPUState *c;

    CPU_FOREACH(c) {
        if (c != cur && !__atomic_load_n(&c->stopped, __ATOMIC_RELAXED) &&
            (!c->halted ||
             __atomic_load_n(&c->interrupt_request, __ATOMIC_RELAXED))) {
            return true;
        }
    }
    return false;
}

/*
 * Round-robin: does cpu's slice end here?  The kick thread only measures
 * time; whether the CPU may keep the thread (nobody else can run, or
 * ops->no_preempt) is decided here, on the thread that owns the CPU
 * state no_preempt reads.
 */
static bool rr_slice_over(CPUState *cpu)
{
    unsigned t;

    if (__atomic_load_n(&rr_slice_expired, __ATOMIC_RELAXED)) {
        return true;
    }
    t = __atomic_load_n(&rr_slice_tick, __ATOMIC_RELAXED);
    if (!t || (t >> 2) != RR_TICK_SEQ(rr_cur_seq)) {
        return false;       /* none, or meant for an earlier slice */
    }
    if ((t & 3) == RR_TICK_SOFT && cpu->ops->no_preempt &&
        cpu->ops->no_preempt(cpu)) {
        return false;
    }
    return rr_others_runnable(cpu);
}

bool accel_should_leave(CPUState *cpu)
{
    if (tcg_mttcg) {
        return pause_is_requested() || cpu->stop_requested ||
               exclusive_is_active() || flush_is_pending() ||
               !runstate_is_running();
    }
    return pause_is_requested() || cpu->stop_requested ||
           !runstate_is_running() || rr_slice_over(cpu);
}

bool accel_sync_wait_bail(void)
{
    return pause_is_requested() || exclusive_is_active() ||
           !runstate_is_running();
}

/*
 * Can cpu run now?  Applies stop requests and wakes halted CPUs.  On the
 * CPU's own thread.  The acquire load of stopped pairs with the release
 * store of whoever starts the CPU (PSCI CPU_ON resets it first); the
 * release store here hands the CPU's state and its last guest stores
 * to whoever sees it stopped (PSCI AFFINITY_INFO, then CPU_ON).
 */
static bool cpu_runnable(CPUState *cpu)
{
    if (cpu->stop_requested) {
        __atomic_store_n(&cpu->stopped, true, __ATOMIC_RELEASE);
        cpu->stop_requested = false;
    }
    if (__atomic_load_n(&cpu->stopped, __ATOMIC_ACQUIRE)) {
        return false;
    }
    if (cpu->halted) {
        if (!cpu->ops->has_work || !cpu->ops->has_work(cpu)) {
            return false;
        }
        cpu->halted = false;
    }
    return true;
}

static void deadline_after(struct timespec *ts, long ns)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_nsec += ns;
    while (ts->tv_nsec >= 1000000000L) {
        ts->tv_nsec -= 1000000000L;
        ts->tv_sec++;
    }
}

/* Stay parked while a pause is requested or the VM is stopped. */
static void vcpu_maybe_park(void)
{
    if (!pause_is_requested() && runstate_is_running()) {
        return;
    }
    pthread_mutex_lock(&vcpu_mutex);
    while (pause_is_requested() || !runstate_is_running()) {
        struct timespec ts;
        vcpu_parked = true;
        pthread_cond_broadcast(&parked_cond);
        /* Timed: a vm_start that does not call tcg_resume_vcpus. */
        deadline_after(&ts, 10 * 1000 * 1000);
        pthread_cond_timedwait(&vcpu_cond, &vcpu_mutex, &ts);
    }
    vcpu_parked = false;
    pthread_mutex_unlock(&vcpu_mutex);
}

/* Every CPU is halted or stopped: sleep until a kick. */
static void vcpu_idle_wait(void)
{
    struct timespec ts;

    pthread_mutex_lock(&vcpu_mutex);
    if (!kick_pending && !pause_is_requested()) {
        deadline_after(&ts, IDLE_WAIT_NS);
        pthread_cond_timedwait(&vcpu_cond, &vcpu_mutex, &ts);
    }
    kick_pending = false;
    pthread_mutex_unlock(&vcpu_mutex);
}

static void *vcpu_thread_fn(void *arg)
{
    CPUState *c;

    (void)arg;
    is_vcpu_thread = true;
    CPU_FOREACH(c) {
        __atomic_store_n(&c->thread_id, (int)gettid(), __ATOMIC_RELAXED);
    }
    for (;;) {
        bool ran = false;
        CPUState *cpu;

        vcpu_maybe_park();
        if (flush_is_pending()) {
            tb_flush_now();
        }
        CPU_FOREACH(cpu) {
            int r;
            if (pause_is_requested() || !runstate_is_running()) {
                break;
            }
            if (!cpu_runnable(cpu)) {
                continue;
            }
            __atomic_store_n(&rr_slice_expired, 0, __ATOMIC_RELAXED);
            rr_cur_seq = __atomic_add_fetch(&rr_slice_seq, 1,
                                            __ATOMIC_RELEASE);
            __atomic_store_n(&running_cpu, cpu, __ATOMIC_RELAXED);
            r = cpu_exec(cpu);
            __atomic_store_n(&running_cpu, NULL, __ATOMIC_RELAXED);
            ran = true;
            if (r == EXCP_DEBUG) {
                log_mask_printf(LOG_INT, "cpu %d: debug exception\n",
                                cpu->cpu_index);
                if (cpu_debug_handler) {
                    /* Stop every vCPU now; the debugger resumes them. */
                    pthread_mutex_lock(&vcpu_mutex);
                    set_pause_requested(true);
                    pthread_mutex_unlock(&vcpu_mutex);
                    cpu_debug_handler(cpu);
                    break;
                }
            }
        }
        if (!ran) {
            vcpu_idle_wait();
        }
    }
    return NULL;
}

/* CPU time consumed by the vCPU thread; wall time if unavailable. */
static int64_t vcpu_thread_ns(void)
{
    struct timespec ts;

    if (!vcpu_cpu_clock_ok || clock_gettime(vcpu_cpu_clock, &ts) != 0) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
    }
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Tells the running CPU when its time slice is used up.
 *
 * A slice is measured in CPU time of the vCPU thread, not wall time, so
 * a host that deschedules the thread (a busy machine) does not make it
 * arbitrarily short.  Code the CPU marks no_preempt gets a longer budget:
 * a hart stalled for whole slices inside a few-instruction firmware
 * window is something hardware never does.  OpenSBI 1.1's
 * sbi_hsm_hart_start() has such a window (it sets the target's state to
 * START_PENDING before writing its start address; the target spins in
 * sbi_hsm_hart_wait() with a stale MSIP pending): preempted there, the
 * target hart entered Linux at the cold-boot address and ran the boot
 * CPU's start-up code a second time (docs/devel/tcg-engine.md).
 *
 * This thread reads no CPU state: it posts a tick (RR_TICK_SOFT within
 * the no_preempt budget, RR_TICK_LATE after it) tagged with the slice's
 * sequence number, and the vCPU thread decides in rr_slice_over()
 * whether another CPU can run and whether no_preempt holds.
 */
static void *kick_thread_fn(void *arg)
{
    struct timespec ts = { 0, RR_TICK_NS };
    unsigned seen_seq = 0;
    int64_t slice_start = 0;

    (void)arg;
    for (;;) {
        CPUState *cur;
        unsigned seq, level;
        int64_t now;

        nanosleep(&ts, NULL);
        cur = __atomic_load_n(&running_cpu, __ATOMIC_RELAXED);
        if (!cur) {
            continue;
        }
        if (pause_is_requested() || !runstate_is_running()) {
            cpu_exit(cur);
            continue;
        }
        if (accel_nr_cpus < 2) {
            continue;       /* nobody to hand the thread to */
        }
        seq = __atomic_load_n(&rr_slice_seq, __ATOMIC_ACQUIRE);
        now = vcpu_thread_ns();
        if (seq != seen_seq) {
            /* A new slice: it has run for at most one tick so far. */
            seen_seq = seq;
            slice_start = now;
            continue;
        }
        if (now - slice_start < RR_SLICE_NS / 2) {
            continue;   /* the vCPU thread was descheduled, not running */
        }
        /*
         * Firmware with interrupts off runs a few instructions between
         * publishing a state and the data that goes with it; hardware
         * never stalls it there.  Spinners in such code still lose the
         * CPU after RR_NO_PREEMPT_NS (or at once on WFI/PAUSE).
         */
        level = now - slice_start < RR_NO_PREEMPT_NS ? RR_TICK_SOFT
                                                     : RR_TICK_LATE;
        /* cpu_exit()'s seq_cst store publishes the tick to the vCPU. */
        __atomic_store_n(&rr_slice_tick, (RR_TICK_SEQ(seq) << 2) | level,
                         __ATOMIC_RELAXED);
        cpu_exit(cur);
    }
    return NULL;
}

/* ---- MTTCG: one thread per vCPU ---- */

/*
 * Exclusive sections (QEMU's "safe work"): start_exclusive() returns when
 * every other vCPU is outside cpu_exec() and keeps them out until
 * end_exclusive().  Only a vCPU thread between two cpu_exec() calls (or a
 * thread that is no vCPU) may start one, so it never waits for itself.
 */
static void cpu_exec_start(CPUState *cpu)
{
    AccelCPUState *acs = accel_cpu_state(cpu);

    pthread_mutex_lock(&vcpu_mutex);
    while (exclusive_active) {
        pthread_cond_wait(&exclusive_resume, &vcpu_mutex);
    }
    /* Atomic: tlb_flush_wait() reads it without the mutex. */
    __atomic_store_n(&acs->running, true, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&vcpu_mutex);
}

static void cpu_exec_end(CPUState *cpu)
{
    AccelCPUState *acs = accel_cpu_state(cpu);

    pthread_mutex_lock(&vcpu_mutex);
    __atomic_store_n(&acs->running, false, __ATOMIC_SEQ_CST);
    if (exclusive_active) {
        pthread_cond_broadcast(&exclusive_cond);
    }
    pthread_mutex_unlock(&vcpu_mutex);
}

void start_exclusive(void)
{
    CPUState *cpu;

    pthread_mutex_lock(&vcpu_mutex);
    while (exclusive_active) {
        pthread_cond_wait(&exclusive_resume, &vcpu_mutex);
    }
    __atomic_store_n(&exclusive_active, true, __ATOMIC_SEQ_CST);
    for (;;) {
        bool busy = false;
        struct timespec ts;

        CPU_FOREACH(cpu) {
            if (accel_cpu_state(cpu)->running) {
                busy = true;
                cpu_exit(cpu);
            }
        }
        if (!busy) {
            break;
        }
        deadline_after(&ts, 10 * 1000 * 1000);
        pthread_cond_timedwait(&exclusive_cond, &vcpu_mutex, &ts);
    }
    pthread_mutex_unlock(&vcpu_mutex);
}

void end_exclusive(void)
{
    pthread_mutex_lock(&vcpu_mutex);
    __atomic_store_n(&exclusive_active, false, __ATOMIC_SEQ_CST);
    pthread_cond_broadcast(&exclusive_resume);
    pthread_mutex_unlock(&vcpu_mutex);
}

/* Stay parked while a pause is requested or the VM is stopped. */
static void mttcg_maybe_park(void)
{
    if (!pause_is_requested() && runstate_is_running()) {
        return;
    }
    pthread_mutex_lock(&vcpu_mutex);
    mttcg_nr_parked++;
    pthread_cond_broadcast(&parked_cond);
    while (pause_is_requested() || !runstate_is_running()) {
        struct timespec ts;
        deadline_after(&ts, 10 * 1000 * 1000);
        pthread_cond_timedwait(&vcpu_cond, &vcpu_mutex, &ts);
    }
    mttcg_nr_parked--;
    pthread_mutex_unlock(&vcpu_mutex);
}

/* The CPU is halted or stopped: sleep until cpu_kick() or a pause. */
static void mttcg_idle_wait(CPUState *cpu)
{
    AccelCPUState *acs = accel_cpu_state(cpu);
    struct timespec ts;

    pthread_mutex_lock(&vcpu_mutex);
    if (!acs->kicked && !pause_requested && !flush_is_pending()) {
        deadline_after(&ts, IDLE_WAIT_NS);
        pthread_cond_timedwait(&acs->halt_cond, &vcpu_mutex, &ts);
    }
    acs->kicked = false;
    pthread_mutex_unlock(&vcpu_mutex);
}

static void mttcg_flush_if_pending(void)
{
    if (!flush_is_pending()) {
        return;
    }
    start_exclusive();
    if (flush_is_pending()) {
        tb_flush_now();
    }
    end_exclusive();
}

static void *mttcg_thread_fn(void *arg)
{
    CPUState *cpu = arg;

    is_vcpu_thread = true;
    thread_cpu = cpu;
    __atomic_store_n(&cpu->thread_id, (int)gettid(), __ATOMIC_RELAXED);
    for (;;) {
        int r;

        mttcg_maybe_park();
        mttcg_flush_if_pending();
        if (!cpu_runnable(cpu)) {
            mttcg_idle_wait(cpu);
            continue;
        }
        cpu_exec_start(cpu);
        r = cpu_exec(cpu);
        cpu_exec_end(cpu);
        if (r == EXCP_DEBUG) {
            bool first;

            log_mask_printf(LOG_INT, "cpu %d: debug exception\n",
                            cpu->cpu_index);
            if (cpu_debug_handler) {
                CPUState *c;

                /* Stop every vCPU now; the debugger resumes them. */
                pthread_mutex_lock(&vcpu_mutex);
                first = !pause_requested;
                set_pause_requested(true);
                pthread_cond_broadcast(&vcpu_cond);
                pthread_mutex_unlock(&vcpu_mutex);
                CPU_FOREACH(c) {
                    cpu_exit(c);
                }
                /* A second CPU's hit re-triggers when resumed. */
                if (first) {
                    cpu_debug_handler(cpu);
                }
            }
        }
    }
    return NULL;
}

static void mttcg_start_vcpus(void)
{
    CPUState *cpu;
    int err;

    CPU_FOREACH(cpu) {
        AccelCPUState *acs = accel_cpu_state(cpu);

        err = pthread_create(&acs->thread, NULL, mttcg_thread_fn, cpu);
        if (err) {
            fatal("cannot create the thread of vCPU %d: %s",
                  cpu->cpu_index, strerror(err));
        }
        cpu->thread = acs->thread;
        mttcg_nr_threads++;
    }
}

/* TLB entries hold host pointers: drop them when the memory map changes. */
static void tcg_memory_commit(MemoryListener *l, AddressSpace *as)
{
    (void)l;
    (void)as;
    tlb_flush_all_cpus();
}

static MemoryListener tcg_memory_listener = {
    .commit = tcg_memory_commit,
};

void tcg_start_vcpus(void)
{
    sigset_t all, old;
    CPUState *cpu;
    int err;

    if (accel_vcpu_thread_running) {
        return;
    }
    if (!tcg_qemu_tb_exec) {
        fatal("tcg_start_vcpus: tcg_exec_init was not called");
    }
    address_space_add_listener(&address_space_memory, &tcg_memory_listener);

    /* Signals are for the main loop thread. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    accel_vcpu_thread_running = true;
    if (tcg_mttcg) {
        mttcg_start_vcpus();
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return;
    }
    err = pthread_create(&vcpu_thread, NULL, vcpu_thread_fn, NULL);
    if (err) {
        fatal("cannot create the vCPU thread: %s", strerror(err));
    }
    vcpu_cpu_clock_ok = pthread_getcpuclockid(vcpu_thread,
                                              &vcpu_cpu_clock) == 0;
    err = pthread_create(&kick_thread, NULL, kick_thread_fn, NULL);
    if (err) {
        fatal("cannot create the vCPU kick thread: %s", strerror(err));
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    CPU_FOREACH(cpu) {
        cpu->thread = vcpu_thread;
    }
}

void tcg_pause_vcpus(void)
{
    CPUState *cpu;
    int depth;

    pthread_mutex_lock(&vcpu_mutex);
    set_pause_requested(true);
    pthread_cond_broadcast(&vcpu_cond);
    pthread_mutex_unlock(&vcpu_mutex);
    CPU_FOREACH(cpu) {
        cpu_exit(cpu);
    }
    if (!accel_vcpu_thread_running || is_vcpu_thread) {
        /* Nothing to wait for, or we are the vCPU: it parks on return. */
        return;
    }
    /* The vCPU may be waiting for the machine lock in an MMIO access. */
    for (depth = 0; machine_lock_held(); depth++) {
        machine_unlock();
    }
    pthread_mutex_lock(&vcpu_mutex);
    if (tcg_mttcg) {
        /* Halted vCPUs sleep on their own condition: wake them. */
        CPU_FOREACH(cpu) {
            pthread_cond_broadcast(&accel_cpu_state(cpu)->halt_cond);
        }
        while (mttcg_nr_parked < mttcg_nr_threads && pause_requested) {
            pthread_cond_wait(&parked_cond, &vcpu_mutex);
        }
    }
    while (!tcg_mttcg && !vcpu_parked && pause_requested) {
        pthread_cond_wait(&parked_cond, &vcpu_mutex);
    }
    pthread_mutex_unlock(&vcpu_mutex);
    while (depth-- > 0) {
        machine_lock();
    }
}

void tcg_resume_vcpus(void)
{
    CPUState *cpu;

    pthread_mutex_lock(&vcpu_mutex);
    set_pause_requested(false);
    kick_pending = true;
    pthread_cond_broadcast(&vcpu_cond);
    if (tcg_mttcg && accel_vcpu_thread_running) {
        CPU_FOREACH(cpu) {
            AccelCPUState *acs = accel_cpu_state(cpu);
            acs->kicked = true;
            pthread_cond_broadcast(&acs->halt_cond);
        }
    }
    pthread_mutex_unlock(&vcpu_mutex);
}
