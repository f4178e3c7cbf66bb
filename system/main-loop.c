/* SPDX-License-Identifier: MIT */
/* Main loop: poll() over fds, bottom halves, timers, run state, requests. */
#include "machina/main-loop.h"
#include "machina/exec.h"
#include "machina/log.h"
#include "machina/machine.h"
#include "machina/timer.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

bool no_reboot;

/* ---- The machine lock ---- */

static pthread_mutex_t big_lock;
static __thread int big_lock_depth;
static pthread_once_t big_lock_once = PTHREAD_ONCE_INIT;

static void big_lock_init(void)
{
    pthread_mutexattr_t a;

    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&big_lock, &a);
    pthread_mutexattr_destroy(&a);
}

void machine_lock(void)
{
    pthread_once(&big_lock_once, big_lock_init);
    pthread_mutex_lock(&big_lock);
    big_lock_depth++;
}

void machine_unlock(void)
{
    if (big_lock_depth <= 0) {
        return;
    }
    big_lock_depth--;
    pthread_mutex_unlock(&big_lock);
}

bool machine_lock_held(void)
{
    return big_lock_depth > 0;
}

/* Drop every level this thread holds; returns the depth to restore. */
static int machine_lock_release_all(void)
{
    int depth = big_lock_depth;

    for (int i = 0; i < depth; i++) {
        machine_unlock();
    }
    return depth;
}

static void machine_lock_reacquire(int depth)
{
    for (int i = 0; i < depth; i++) {
        machine_lock();
    }
}

/* ---- Wake-up channel ---- */

static int notify_fd = -1;      /* eventfd, or read end of a pipe */
static int notify_wfd = -1;     /* write end (same as notify_fd for eventfd) */

void main_loop_notify(void)
{
    uint64_t one = 1;
    int fd = notify_wfd;

    if (fd < 0) {
        return;
    }
    /* EAGAIN means a wake-up is already pending: fine. */
    if (write(fd, &one, fd == notify_fd ? sizeof(one) : 1) < 0) {
        return;
    }
}

static void notify_drain(void)
{
    uint8_t buf[64];

    while (read(notify_fd, buf, sizeof(buf)) > 0) {
        if (notify_fd == notify_wfd) {
            break;          /* an eventfd read resets the counter */
        }
    }
}

/* ---- fd handlers ---- */

typedef struct FdHandler {
    int fd;
    IOHandler *read_cb;
    IOHandler *write_cb;
    void *opaque;
} FdHandler;

static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;
static FdHandler *fds;
static int nr_fds;

void main_loop_set_fd_handler(int fd, IOHandler *read_cb,
                              IOHandler *write_cb, void *opaque)
{
    int i;

    pthread_mutex_lock(&fd_lock);
    for (i = 0; i < nr_fds; i++) {
        if (fds[i].fd == fd) {
            break;
        }
    }
    if (!read_cb && !write_cb) {
        if (i < nr_fds) {
            fds[i] = fds[nr_fds - 1];
            nr_fds--;
        }
    } else {
        if (i == nr_fds) {
            fds = mc_realloc(fds, (nr_fds + 1) * sizeof(*fds));
            nr_fds++;
        }
        fds[i].fd = fd;
        fds[i].read_cb = read_cb;
        fds[i].write_cb = write_cb;
        fds[i].opaque = opaque;
    }
    pthread_mutex_unlock(&fd_lock);
    /* The poll set changed: rebuild it if we are inside poll() now. */
    main_loop_notify();
}

static bool fd_handler_get(int fd, FdHandler *out)
{
    bool found = false;

    pthread_mutex_lock(&fd_lock);
    for (int i = 0; i < nr_fds; i++) {
        if (fds[i].fd == fd) {
            *out = fds[i];
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&fd_lock);
    return found;
}

/* ---- Bottom halves ---- */

struct BottomHalf {
    IOHandler *cb;
    void *opaque;
    int scheduled;              /* atomic */
    BottomHalf *next;
};

static pthread_mutex_t bh_lock = PTHREAD_MUTEX_INITIALIZER;
static BottomHalf *bh_list;

BottomHalf *bh_new(IOHandler *cb, void *opaque)
{
    BottomHalf *bh = mc_malloc0(sizeof(*bh));

    bh->cb = cb;
    bh->opaque = opaque;
    pthread_mutex_lock(&bh_lock);
    bh->next = bh_list;
    bh_list = bh;
    pthread_mutex_unlock(&bh_lock);
    return bh;
}

void bh_schedule(BottomHalf *bh)
{
    if (!__atomic_exchange_n(&bh->scheduled, 1, __ATOMIC_SEQ_CST)) {
        main_loop_notify();
    }
}

/* Run each scheduled BH once; true if any ran. */
static bool bh_poll(void)
{
    bool ran = false;
    BottomHalf *bh;

    pthread_mutex_lock(&bh_lock);
    bh = bh_list;
    pthread_mutex_unlock(&bh_lock);
    /* BHs are never freed and new ones go on the front: safe to walk. */
    for (; bh; bh = bh->next) {
        if (__atomic_exchange_n(&bh->scheduled, 0, __ATOMIC_SEQ_CST)) {
            bh->cb(bh->opaque);
            ran = true;
        }
    }
    return ran;
}

/* ---- Run state and requests ---- */

static int vm_running;                  /* atomic */
static int shutdown_cause;              /* atomic ShutdownCause */
static int shutdown_status;
static int reset_requested;             /* atomic */
static volatile sig_atomic_t signal_received;
static RunstateEventHook *runstate_hook;

void runstate_set_event_hook(RunstateEventHook *hook)
{
    runstate_hook = hook;
}

static void runstate_event(const char *event, bool guest)
{
    /* Only the main-loop thread (machine lock held) reports events. */
    if (runstate_hook && machine_lock_held()) {
        runstate_hook(event, guest);
    }
}

void request_shutdown(ShutdownCause cause, int exit_status)
{
    int none = SHUTDOWN_NONE;

    if (cause == SHUTDOWN_GUEST_RESET) {
        request_reset();
        return;
    }
    if (cause == SHUTDOWN_NONE) {
        cause = SHUTDOWN_HOST_QUIT;
    }
    /* The first request decides the exit status. */
    if (__atomic_compare_exchange_n(&shutdown_cause, &none, (int)cause,
                                    false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST)) {
        __atomic_store_n(&shutdown_status, exit_status, __ATOMIC_SEQ_CST);
    }
    main_loop_notify();
}

void request_reset(void)
{
    __atomic_store_n(&reset_requested, 1, __ATOMIC_SEQ_CST);
    main_loop_notify();
}

int main_loop_exit_status(void)
{
    return __atomic_load_n(&shutdown_status, __ATOMIC_SEQ_CST);
}

bool runstate_is_running(void)
{
    return __atomic_load_n(&vm_running, __ATOMIC_SEQ_CST);
}

void vm_stop(void)
{
    int depth;

    if (!__atomic_exchange_n(&vm_running, 0, __ATOMIC_SEQ_CST)) {
        return;
    }
    /* vCPUs may be waiting for the machine lock: let them reach a stop. */
    depth = machine_lock_release_all();
    tcg_pause_vcpus();
    machine_lock_reacquire(depth);
    clock_virtual_stop();
    runstate_event("STOP", false);
}

void vm_start(void)
{
    if (__atomic_exchange_n(&vm_running, 1, __ATOMIC_SEQ_CST)) {
        return;
    }
    clock_virtual_start();
    tcg_resume_vcpus();
    runstate_event("RESUME", false);
}

static void do_reset(void)
{
    MachineState *ms = current_machine;
    int depth;

    if (no_reboot) {
        request_shutdown(SHUTDOWN_GUEST_POWEROFF, 0);
        return;
    }
    if (!ms || !ms->type->reset) {
        return;
    }
    depth = machine_lock_release_all();
    tcg_pause_vcpus();
    machine_lock_reacquire(depth);
    ms->type->reset(ms);
    runstate_event("RESET", false);
    if (runstate_is_running()) {
        depth = machine_lock_release_all();
        tcg_resume_vcpus();
        machine_lock_reacquire(depth);
    }
}

static void signal_handler(int sig)
{
    uint64_t one = 1;

    signal_received = sig;
    if (notify_wfd >= 0) {
        /* write() is async-signal-safe. */
        if (write(notify_wfd, &one, notify_wfd == notify_fd ? 8 : 1) < 0) {
            return;
        }
    }
}

void main_loop_init(void)
{
    struct sigaction sa;

    if (notify_fd >= 0) {
        return;
    }
    notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (notify_fd >= 0) {
        notify_wfd = notify_fd;
    } else {
        int p[2];

        if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0) {
            fatal("cannot create main loop wake-up channel: %s",
                  strerror(errno));
        }
        notify_fd = p[0];
        notify_wfd = p[1];
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = signal_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A closed socket peer must not kill us. */
    signal(SIGPIPE, SIG_IGN);
}

static void check_requests(void)
{
    int sig = signal_received;

    if (sig) {
        signal_received = 0;
        error_report("terminating on signal %d", sig);
        request_shutdown(SHUTDOWN_HOST_QUIT, 0);
    }
    if (__atomic_exchange_n(&reset_requested, 0, __ATOMIC_SEQ_CST)) {
        do_reset();
    }
}

static bool shutdown_pending(void)
{
    return __atomic_load_n(&shutdown_cause, __ATOMIC_SEQ_CST) !=
           SHUTDOWN_NONE;
}

void main_loop_run(void)
{
    struct pollfd *pfd = NULL;
    int pfd_cap = 0;

    main_loop_init();
    machine_lock();
    while (!shutdown_pending()) {
        int64_t timeout;
        struct timespec ts, *tsp = NULL;
        int n, nr;

        check_requests();
        if (shutdown_pending()) {
            break;
        }
        bh_poll();
        timeout = timers_run_expired();
        if (bh_poll()) {
            timeout = 0;        /* BHs may have armed timers: look again */
        }
        if (shutdown_pending() ||
            __atomic_load_n(&reset_requested, __ATOMIC_SEQ_CST)) {
            continue;
        }

        pthread_mutex_lock(&fd_lock);
        if (pfd_cap < nr_fds + 1) {
            pfd_cap = nr_fds + 1;
            pfd = mc_realloc(pfd, pfd_cap * sizeof(*pfd));
        }
        pfd[0].fd = notify_fd;
        pfd[0].events = POLLIN;
        pfd[0].revents = 0;
        for (int i = 0; i < nr_fds; i++) {
            pfd[i + 1].fd = fds[i].fd;
            pfd[i + 1].events = (fds[i].read_cb ? POLLIN : 0) |
                                (fds[i].write_cb ? POLLOUT : 0);
            pfd[i + 1].revents = 0;
        }
        nr = nr_fds + 1;
        pthread_mutex_unlock(&fd_lock);

        if (timeout >= 0) {
            ts.tv_sec = timeout / 1000000000LL;
            ts.tv_nsec = timeout % 1000000000LL;
            tsp = &ts;
        }
        machine_unlock();
        n = ppoll(pfd, nr, tsp, NULL);
        machine_lock();
        if (n < 0) {
            if (errno != EINTR) {
                error_report("main loop: poll: %s", strerror(errno));
            }
            continue;
        }
        if (pfd[0].revents) {
            notify_drain();
        }
        for (int i = 1; i < nr && n > 0; i++) {
            FdHandler h;
            short ev = pfd[i].revents;

            if (!ev) {
                continue;
            }
            /* The handler may have been removed by an earlier callback. */
            if (!fd_handler_get(pfd[i].fd, &h)) {
                continue;
            }
            if (ev & POLLNVAL) {
                /* Closed behind our back: stop polling it (no spin). */
                main_loop_set_fd_handler(pfd[i].fd, NULL, NULL, NULL);
                continue;
            }
            if ((ev & (POLLIN | POLLHUP | POLLERR)) && h.read_cb) {
                h.read_cb(h.opaque);
                if (!fd_handler_get(pfd[i].fd, &h)) {
                    continue;
                }
            }
            if ((ev & (POLLOUT | POLLERR | POLLHUP)) && h.write_cb) {
                h.write_cb(h.opaque);
            }
        }
    }
    {
        int cause = __atomic_load_n(&shutdown_cause, __ATOMIC_SEQ_CST);

        runstate_event("SHUTDOWN", cause == SHUTDOWN_GUEST_POWEROFF ||
                                   cause == SHUTDOWN_GUEST_PANIC);
    }
    machine_unlock();
    free(pfd);
}
