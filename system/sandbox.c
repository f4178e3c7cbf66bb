/* SPDX-License-Identifier: MIT */
/* -sandbox on: a seccomp-bpf allowlist installed once start-up is over. */

/*
 * After start-up every file, socket, window and thread Machina needs
 * exists, so the running emulator only does I/O on descriptors, maps
 * memory, waits, and accepts connections.  The filter allows that and
 * kills the whole process (SIGSYS) on anything else: exec, fork,
 * ptrace, mount, privilege changes, raw sockets.  Like QEMU's
 * -sandbox, killing (not EPERM) makes a compromised guest-facing
 * thread stop instead of probing; the debug hook below shows which
 * call was refused.  Files may still be opened (screendump, -D logs,
 * HMP "gdbserver" re-listening), so open/openat stay allowed.
 * Kernel interface: Documentation/userspace-api/seccomp_filter.rst.
 */

#include "config-host.h"
#include "machina/sandbox.h"
#include "machina/common.h"
#include "machina/log.h"
#include "machina/options.h"
#include <errno.h>
#include <string.h>

/* LeakSanitizer's exit-time check ptraces the process: not allowed later. */
#if defined(__SANITIZE_ADDRESS__)
#define MACHINA_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MACHINA_LSAN 1
#endif
#endif
#ifdef MACHINA_LSAN
#include <sanitizer/lsan_interface.h>
#endif

enum {
    SANDBOX_TEST_NONE,
    SANDBOX_TEST_EXECVE,        /* execve(): killed */
    SANDBOX_TEST_AF_PACKET,     /* socket(AF_PACKET, SOCK_RAW): killed */
};

static bool sandbox_on;
static int sandbox_test;

int sandbox_parse(const char *arg)
{
    Opts o;
    const char *test;
    int on;

    if (opts_parse(&o, arg, "enable") < 0) {
        error_report("-sandbox %s: invalid option syntax", arg);
        return -1;
    }
    for (int i = 0; i < o.nr; i++) {
        const char *key = o.pairs[i].key;

        if (strcmp(key, "enable") && strcmp(key, "test-forbidden")) {
            error_report("-sandbox %s: sub-option '%s' is not supported "
                         "(only on|off and test-forbidden=)", arg, key);
            goto err;
        }
    }
    on = opts_get_bool(&o, "enable", false);
    if (on < 0 || !opts_get(&o, "enable")) {
        error_report("-sandbox %s: expected on or off", arg);
        goto err;
    }
    test = opts_get(&o, "test-forbidden");
    sandbox_test = SANDBOX_TEST_NONE;
    if (test) {
        if (!strcmp(test, "execve")) {
            sandbox_test = SANDBOX_TEST_EXECVE;
        } else if (!strcmp(test, "af-packet")) {
            sandbox_test = SANDBOX_TEST_AF_PACKET;
        } else {
            error_report("-sandbox %s: test-forbidden must be execve or "
                         "af-packet", arg);
            goto err;
        }
        if (!on) {
            error_report("-sandbox %s: test-forbidden needs on", arg);
            goto err;
        }
    }
#ifndef CONFIG_SECCOMP
    if (on) {
        error_report("-sandbox on: built without libseccomp (install "
                     "libseccomp-dev and re-run configure)");
        goto err;
    }
#endif
    sandbox_on = on;
    opts_free(&o);
    return 0;

err:
    opts_free(&o);
    return -1;
}

#ifdef CONFIG_SECCOMP

#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * Everything the running emulator does, by name (names a host
 * architecture lacks are skipped).  Grouped by why it is needed.
 */
static const char *const sandbox_allowed[] = {
    /* descriptor I/O: disks, chardevs, sockets, tap, logs */
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv",
    "pwritev", "preadv2", "pwritev2", "lseek", "close", "close_range",
    "fsync", "fdatasync", "sync_file_range", "fallocate", "ftruncate",
    "fadvise64", "flock", "dup", "dup2", "dup3", "fcntl", "ioctl",
    "pipe", "pipe2", "eventfd2",
    /* files opened late: screendump, -D, qcow2/-snapshot temporaries */
    "open", "openat", "creat", "unlink", "unlinkat", "rename", "renameat",
    "renameat2", "mkdir", "mkdirat", "fstat", "stat", "lstat",
    "newfstatat", "statx", "fstatfs", "statfs", "access", "faccessat",
    "faccessat2", "readlink", "readlinkat", "getcwd", "getdents64",
    "umask", "fchmod",
    /* the main loop and waits */
    "poll", "ppoll", "select", "pselect6", "epoll_create1", "epoll_ctl",
    "epoll_wait", "epoll_pwait", "epoll_pwait2", "timerfd_create",
    "timerfd_settime", "timerfd_gettime", "signalfd4", "nanosleep",
    "clock_nanosleep", "clock_gettime", "clock_getres", "gettimeofday",
    "time", "inotify_init1", "inotify_add_watch", "inotify_rm_watch",
    /* memory: malloc, TCG code buffer, thread stacks, SDL/X11 shm */
    "mmap", "munmap", "mprotect", "madvise", "brk", "mremap", "msync",
    "mincore", "membarrier", "memfd_create", "shmget", "shmat", "shmdt",
    "shmctl",
    /* threads (clone itself is checked below) */
    "futex", "futex_waitv", "set_robust_list", "get_robust_list", "rseq",
    "set_tid_address", "sched_yield", "sched_getaffinity",
    "sched_getparam", "sched_getscheduler", "sched_get_priority_max",
    "sched_get_priority_min", "getpriority", "prctl", "arch_prctl",
    "exit", "exit_group", "restart_syscall",
    /* signals, including raise()/abort() on ourselves */
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigtimedwait",
    "rt_sigpending", "rt_sigsuspend", "sigaltstack", "tgkill", "tkill",
    /* identity and limits (read only) */
    "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid",
    "getegid", "getresuid", "getresgid", "getgroups", "uname", "sysinfo",
    "getrusage", "times", "getrlimit", "prlimit64", "getrandom",
    /* sockets: slirp, chardev/monitor/QMP/gdb/VNC servers (socket() is
     * checked below) */
    "socketpair", "bind", "listen", "accept", "accept4", "connect",
    "getsockname", "getpeername", "setsockopt", "getsockopt", "sendto",
    "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
};

/* Address families Machina's sockets use; AF_PACKET and the rest die. */
static const int sandbox_families[] = {
    AF_UNIX, AF_INET, AF_INET6, AF_NETLINK,     /* netlink: getaddrinfo */
};

static int sandbox_add(scmp_filter_ctx ctx, uint32_t action, const char *name,
                       unsigned int nr_args, const struct scmp_arg_cmp *arg)
{
    int nr = seccomp_syscall_resolve_name(name);
    int ret;

    if (nr == __NR_SCMP_ERROR) {
        return 0;                   /* not a system call on this host */
    }
    ret = seccomp_rule_add_array(ctx, action, nr, nr_args, arg);
    if (ret < 0 && ret != -EEXIST) {
        error_report("-sandbox on: cannot add rule for %s: %s", name,
                     strerror(-ret));
        return ret;
    }
    return 0;
}

static int sandbox_build(scmp_filter_ctx ctx)
{
    struct scmp_arg_cmp arg;
    int ret;

    for (size_t i = 0; i < ARRAY_SIZE(sandbox_allowed); i++) {
        ret = sandbox_add(ctx, SCMP_ACT_ALLOW, sandbox_allowed[i], 0, NULL);
        if (ret < 0) {
            return ret;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(sandbox_families); i++) {
        arg = SCMP_A0(SCMP_CMP_EQ, sandbox_families[i]);
        ret = sandbox_add(ctx, SCMP_ACT_ALLOW, "socket", 1, &arg);
        if (ret < 0) {
            return ret;
        }
    }
    /* Threads only: fork() is clone() without CLONE_THREAD. */
    arg = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
    ret = sandbox_add(ctx, SCMP_ACT_ALLOW, "clone", 1, &arg);
    if (ret < 0) {
        return ret;
    }
    /*
     * clone3 passes its flags in memory, out of the filter's reach:
     * ENOSYS makes glibc fall back to clone(), as under QEMU's filter.
     */
    ret = sandbox_add(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL);
    if (ret < 0) {
        return ret;
    }
    /* kill() only on ourselves (raise() on old glibc). */
    arg = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());
    return sandbox_add(ctx, SCMP_ACT_ALLOW, "kill", 1, &arg);
}

/*
 * The test hook runs its forbidden call on a thread that already exists
 * when the filter is loaded, so it also proves TSYNC reached threads
 * created before the filter (vCPUs, block workers, SDL).
 */
static pthread_mutex_t sandbox_test_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sandbox_test_cond = PTHREAD_COND_INITIALIZER;
static bool sandbox_test_go;

static void *sandbox_test_thread(void *opaque)
{
    const char *what;
    long ret;

    pthread_mutex_lock(&sandbox_test_lock);
    while (!sandbox_test_go) {
        pthread_cond_wait(&sandbox_test_cond, &sandbox_test_lock);
    }
    pthread_mutex_unlock(&sandbox_test_lock);

    if (sandbox_test == SANDBOX_TEST_EXECVE) {
        /* A path that does not exist: without the filter, ENOENT. */
        static char *const argv[] = { "machina-sandbox-test", NULL };

        what = "execve";
        ret = syscall(SYS_execve, "/nonexistent/machina-sandbox-test", argv,
                      argv + 1);
    } else {
        what = "socket(AF_PACKET)";
        ret = syscall(SYS_socket, AF_PACKET, SOCK_RAW, 0);
        if (ret >= 0) {
            close(ret);
        }
    }
    /* Only reached when the filter did not kill us. */
    error_report("-sandbox test-forbidden: %s was not refused (ret %ld, %s)",
                 what, ret, ret < 0 ? strerror(errno) : "ok");
    _exit(3);
    return NULL;
}

int sandbox_apply(void)
{
    scmp_filter_ctx ctx;
    pthread_t tid;
    uint32_t deny;
    int ret;

    if (!sandbox_on) {
        return 0;
    }
    /* KILL_PROCESS needs API level 3 (Linux 4.14); else SIGSYS by TRAP. */
    deny = seccomp_api_get() >= 3 ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_TRAP;
    ctx = seccomp_init(deny);
    if (!ctx) {
        error_report("-sandbox on: seccomp_init failed");
        return -1;
    }
    ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    if (ret < 0) {
        error_report("-sandbox on: no TSYNC, cannot cover all threads: %s",
                     strerror(-ret));
        goto err;
    }
    ret = sandbox_build(ctx);
    if (ret < 0) {
        goto err;
    }
    if (sandbox_test != SANDBOX_TEST_NONE &&
        pthread_create(&tid, NULL, sandbox_test_thread, NULL)) {
        error_report("-sandbox test-forbidden: cannot create thread");
        goto err;
    }
#ifdef MACHINA_LSAN
    /*
     * Check for leaks now, once: at exit the check would need ptrace,
     * which the filter forbids (start-up leaks are what it can see).
     */
    __lsan_do_leak_check();
#endif
    ret = seccomp_load(ctx);
    if (ret < 0) {
        error_report("-sandbox on: cannot load the filter: %s",
                     strerror(-ret));
        goto err;
    }
    seccomp_release(ctx);
    if (sandbox_test != SANDBOX_TEST_NONE) {
        pthread_mutex_lock(&sandbox_test_lock);
        sandbox_test_go = true;
        pthread_cond_signal(&sandbox_test_cond);
        pthread_mutex_unlock(&sandbox_test_lock);
    }
    return 0;

err:
    seccomp_release(ctx);
    return -1;
}

#else /* !CONFIG_SECCOMP */

int sandbox_apply(void)
{
    return 0;       /* sandbox_parse() refused "on" */
}

#endif
