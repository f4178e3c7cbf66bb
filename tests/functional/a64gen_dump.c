/* SPDX-License-Identifier: MIT */
/*
 * Runtime of the random A64 streams of a64gen.py: main() installs a trap
 * hook and enters the generated a64gen_body; the body's epilogue saves
 * X0-X28, NZCV, FPSR and V0-V31 to a64gen_state and jumps to a64gen_dump,
 * which prints them and an FNV-1a hash of each 64 bytes of the scratch
 * buffer, then powers off.  A synchronous exception in the body (an
 * instruction the emulator does not implement, or the alignment fault of
 * a misaligned exclusive/atomic access) prints "TRAP unit=K" with the
 * syndrome and resumes after the instruction, so one run lists every
 * trapping unit.  In independent mode (a64gen.py --independent) every unit
 * starts from the initial state and a64gen_record prints what it changed.
 * Built with -mgeneral-regs-only: nothing here touches the V registers or
 * FPSR while the body runs.
 */
#include "lib.h"

#define SCRATCH_BYTES 4096
#define HASH_CHUNK 64
#define GUARD_BYTES 256
#define GUARD_FILL 0xa5

extern uint64_t a64gen_state[32 + 64];
extern const uint64_t a64gen_units[];
extern const uint64_t a64gen_nunits;
extern uint8_t a64gen_scratch[SCRATCH_BYTES];
extern const uint64_t a64gen_scratch_init[SCRATCH_BYTES / 8];
extern const uint8_t a64gen_guard_lo[GUARD_BYTES];
extern const uint8_t a64gen_guard_hi[GUARD_BYTES];
extern const uint64_t a64gen_init_x[31];
extern const uint64_t a64gen_init_v[64];

void a64gen_body(void) __attribute__((noreturn));
void a64gen_dump(void) __attribute__((noreturn));
void a64gen_record(uint64_t unit);
int main(void);

static void put_hex(uint64_t v, int digits)
{
    for (int i = (digits - 1) * 4; i >= 0; i -= 4) {
        putc_("0123456789abcdef"[(v >> i) & 15]);
    }
}

static void put_dec(uint64_t v)
{
    char buf[24];
    int n = 0;

    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        putc_(buf[--n]);
    }
}

static void line(const char *name, uint64_t idx, uint64_t v)
{
    puts_(name);
    if (idx < 100) {
        putc_((char)('0' + idx / 10));
        putc_((char)('0' + idx % 10));
    }
    putc_('=');
    put_hex(v, 16);
    putc_('\n');
}

/* Which unit holds pc: the last unit whose first instruction is <= pc. */
static uint64_t unit_of(uint64_t pc)
{
    uint64_t lo = 0, hi = a64gen_nunits;

    if (pc < a64gen_units[0] || pc >= a64gen_units[a64gen_nunits]) {
        return ~0ull;
    }
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (a64gen_units[mid] <= pc) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static void a64gen_trap(uint64_t *frame)
{
    uint64_t elr = SYSREG_READ(elr_el1);
    uint64_t esr = SYSREG_READ(esr_el1);
    uint64_t unit = unit_of(elr);

    (void)frame;
    if (unit == ~0ull) {
        show("exception outside the stream, ESR", esr);
        show("ELR", elr);
        poweroff();
    }
    puts_("TRAP unit=");
    put_dec(unit);
    puts_(" esr=");
    put_hex(esr, 8);
    puts_(" insn=");
    put_hex(*(const uint32_t *)elr, 8);
    if ((esr >> 26) == 0x25) {
        /* Data abort: FAR is valid (it is UNKNOWN for other classes). */
        puts_(" far=");
        put_hex(SYSREG_READ(far_el1), 16);
    }
    putc_('\n');
    /* Skip the instruction: every unit stays in bounds without it. */
    SYSREG_WRITE(elr_el1, elr + 4);
}

static void unit_prefix(uint64_t unit)
{
    putc_('u');
    put_dec(unit);
    putc_(' ');
}

/* Independent mode: print what unit changed, then restore the buffer. */
void a64gen_record(uint64_t unit)
{
    const uint64_t *v = &a64gen_state[32];
    uint64_t *buf = (uint64_t *)a64gen_scratch;

    for (int i = 0; i < 29; i++) {
        if (a64gen_state[i] != a64gen_init_x[i]) {
            unit_prefix(unit);
            line("x", i, a64gen_state[i]);
        }
    }
    if (a64gen_state[29] != a64gen_init_x[29]) {
        unit_prefix(unit);
        line("nzcv", 100, a64gen_state[29]);
    }
    if (a64gen_state[30]) {
        unit_prefix(unit);
        line("fpsr", 100, a64gen_state[30]);
    }
    for (int i = 0; i < 32; i++) {
        if (v[2 * i] != a64gen_init_v[2 * i] ||
            v[2 * i + 1] != a64gen_init_v[2 * i + 1]) {
            unit_prefix(unit);
            putc_('v');
            putc_((char)('0' + i / 10));
            putc_((char)('0' + i % 10));
            putc_('=');
            put_hex(v[2 * i + 1], 16);
            put_hex(v[2 * i], 16);
            putc_('\n');
        }
    }
    for (int i = 0; i < SCRATCH_BYTES / 8; i++) {
        if (buf[i] != a64gen_scratch_init[i]) {
            unit_prefix(unit);
            puts_("mem[");
            put_dec((uint64_t)i * 8);
            puts_("]=");
            put_hex(buf[i], 16);
            putc_('\n');
            buf[i] = a64gen_scratch_init[i];
        }
    }
}

void a64gen_dump(void)
{
    const uint64_t *v = &a64gen_state[32];

    for (int i = 0; i < 29; i++) {
        line("x", i, a64gen_state[i]);
    }
    line("nzcv", 100, a64gen_state[29]);
    line("fpsr", 100, a64gen_state[30]);
    for (int i = 0; i < 32; i++) {
        puts_("v");
        putc_((char)('0' + i / 10));
        putc_((char)('0' + i % 10));
        putc_('=');
        put_hex(v[2 * i + 1], 16);
        put_hex(v[2 * i], 16);
        putc_('\n');
    }
    for (int c = 0; c < SCRATCH_BYTES / HASH_CHUNK; c++) {
        uint64_t h = 0xcbf29ce484222325ull;
        for (int i = 0; i < HASH_CHUNK; i++) {
            h = (h ^ a64gen_scratch[c * HASH_CHUNK + i]) *
                0x100000001b3ull;
        }
        puts_("m");
        put_hex((uint64_t)c * HASH_CHUNK - SCRATCH_BYTES / 2, 4);
        putc_('=');
        put_hex(h, 16);
        putc_('\n');
    }
    for (int i = 0; i < GUARD_BYTES; i++) {
        if (a64gen_guard_lo[i] != GUARD_FILL ||
            a64gen_guard_hi[i] != GUARD_FILL) {
            puts_("GUARD changed: the stream wrote outside its buffer\n");
            break;
        }
    }
    puts_("a64gen done\n");
    poweroff();
}

int main(void)
{
    trap_hook = a64gen_trap;
    a64gen_body();
}
