/* SPDX-License-Identifier: MIT */
/* Tiny runtime for bare-metal RISC-V guest tests on the virt machine. */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdint.h>
#include <stddef.h>

#define UART_BASE       0x10000000UL
#define FINISHER_BASE   0x00100000UL
#define CLINT_BASE      0x02000000UL
#define CLINT_MSIP      (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP  (CLINT_BASE + 0x4000)
#define CLINT_MTIME     (CLINT_BASE + 0xbff8)
#define PLIC_BASE       0x0c000000UL
#define RTC_BASE        0x00101000UL
#define RAM_BASE        0x80000000UL

#define MODE_EXIT_MAGIC 0x4d414348

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define MSTATUS_SIE     (1UL << 1)
#define MSTATUS_MIE     (1UL << 3)
#define MSTATUS_SPP     (1UL << 8)
#define MSTATUS_MPP     (3UL << 11)
#define MSTATUS_FS      (3UL << 13)
#define MSTATUS_MPRV    (1UL << 17)
#define MSTATUS_SUM     (1UL << 18)
#define MSTATUS_MXR     (1UL << 19)

#define CAUSE_MISALIGNED_FETCH  0
#define CAUSE_FETCH_ACCESS      1
#define CAUSE_ILLEGAL           2
#define CAUSE_BREAKPOINT        3
#define CAUSE_MISALIGNED_LOAD   4
#define CAUSE_LOAD_ACCESS       5
#define CAUSE_MISALIGNED_STORE  6
#define CAUSE_STORE_ACCESS      7
#define CAUSE_ECALL_U           8
#define CAUSE_ECALL_S           9
#define CAUSE_ECALL_M           11
#define CAUSE_FETCH_PAGE        12
#define CAUSE_LOAD_PAGE         13
#define CAUSE_STORE_PAGE        15
#define CAUSE_INTR              (1UL << 63)

#define read_csr(r) ({ unsigned long __v; \
    __asm__ volatile("csrr %0, " #r : "=r"(__v) :: "memory"); __v; })
#define write_csr(r, v) \
    __asm__ volatile("csrw " #r ", %0" :: "rK"((unsigned long)(v)) : "memory")
#define set_csr(r, v) \
    __asm__ volatile("csrs " #r ", %0" :: "rK"((unsigned long)(v)) : "memory")
#define clear_csr(r, v) \
    __asm__ volatile("csrc " #r ", %0" :: "rK"((unsigned long)(v)) : "memory")

static inline uint64_t mmio_read64(unsigned long a)
{
    return *(volatile uint64_t *)a;
}
static inline void mmio_write64(unsigned long a, uint64_t v)
{
    *(volatile uint64_t *)a = v;
}
static inline uint32_t mmio_read32(unsigned long a)
{
    return *(volatile uint32_t *)a;
}
static inline void mmio_write32(unsigned long a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}
static inline uint8_t mmio_read8(unsigned long a)
{
    return *(volatile uint8_t *)a;
}
static inline void mmio_write8(unsigned long a, uint8_t v)
{
    *(volatile uint8_t *)a = v;
}

/* Register frame saved by the trap entries (x0 slot unused). */
struct trap_frame {
    unsigned long x[32];
};

/* What the last expected trap looked like. */
struct trap_rec {
    unsigned long cause, tval, epc;
    unsigned long count;
};

extern volatile struct trap_rec m_trap, s_trap;
/* Set to allow synchronous traps; otherwise one is a test failure. */
extern volatile int m_trap_expected, s_trap_expected;
/* Interrupt handlers (cause without the interrupt bit). */
extern void (*volatile m_irq_handler)(unsigned long cause);
extern void (*volatile s_irq_handler)(unsigned long cause);

void uart_putc(char c);
void puts_(const char *s);
int printf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rt_exit(int code) __attribute__((noreturn));
void check_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));
void check_fail_eq(const char *file, int line, const char *a, const char *b,
                   unsigned long va, unsigned long vb)
    __attribute__((noreturn));
void pass(const char *name);
void trap_reset(void);
void s_trap_install(void);

long goto_mode(int mode, long (*fn)(long), long arg);
void s_trap_entry(void);
void mode_exit_stub(void);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#define printf printf_

#define CHECK(c) do { \
    if (!(c)) { \
        check_fail(__FILE__, __LINE__, #c); \
    } \
} while (0)

#define CHECK_EQ(a, b) do { \
    unsigned long __a = (unsigned long)(a), __b = (unsigned long)(b); \
    if (__a != __b) { \
        check_fail_eq(__FILE__, __LINE__, #a, #b, __a, __b); \
    } \
} while (0)

#endif
