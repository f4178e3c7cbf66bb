# SPDX-License-Identifier: MIT
"""Seeded random A64 instruction streams for differential testing.

generate(seed, n, groups) returns an assembly file defining a64gen_body:
a prologue loads X0-X28 and V0-V31 with seeded random values (boundary
integers and FP specials: signed zeros, infinities, quiet and signalling
NaNs with payloads, denormals, values next to rounding boundaries), sets
NZCV and FPCR (rounding mode, FZ, DN, AHP) and clears FPSR; X29 points at the
middle of a 4 KiB scratch buffer holding random data.  Then come n random
"units" (one instruction, or a short fixed sequence such as "point a base
register into the buffer, then a writeback load"), drawn from the groups
int, ldst, atomic, fp, simd, simdfp and crypto.  The epilogue stores
X0-X28, NZCV, FPSR and V0-V31 and jumps to a64gen_dump (a64gen_dump.c),
which prints them and a hash of each 64 bytes of the scratch buffer.

Every unit is architecturally defined (no UNPREDICTABLE or CONSTRAINED
UNPREDICTABLE forms), never branches, never touches SP or X29/X30, and
keeps every access naturally aligned inside the buffer, so the output
depends only on the seed.  A unit that traps anyway (UNDEFINED in the
emulator under test) is reported by the trap hook as "TRAP unit=K" and
skipped.  The units of generate(seed, k) are the first k units of
generate(seed, n) for k < n, which is what --bisect relies on:

    python3 tests/functional/a64gen.py --seed S --group G --n N \\
        --bisect BUILD

finds the first unit count at which Machina (BUILD/machina-system-aarch64)
and Debian's QEMU disagree and prints that unit with its input values.

    python3 tests/functional/a64gen.py --group G --seed S --seeds K \
        --n N --survey BUILD

runs each unit of K streams on its own, from the initial state
("independent" mode: a64gen_dump.c prints what each unit changed), and
lists the instructions whose results differ, most frequent first, with
operands, expected (QEMU) and got (Machina).  --list prints the units.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

GROUPS = ("int", "ldst", "atomic", "fp", "simd", "simdfp", "crypto")
XREGS = list(range(29))         # x29 = scratch pointer, x30 = epilogue
BUF = 4096                      # scratch buffer; x29 = buffer + BUF / 2
HALF = BUF // 2
GUARD = 256                     # bytes of guard on each side of it
CONDS = ("eq ne cs cc mi pl vs vc hi ls ge lt gt le al nv").split()
CONDS_ALIAS = CONDS[:14]        # cset/cinc/...: not al/nv

# ---------------------------------------------------------------- values

INT_SPECIAL = [0, 1, 2, 0xffffffffffffffff, 0x7fffffffffffffff,
               0x8000000000000000, 0x80000000, 0x7fffffff, 0xffffffff,
               0xffffffff80000000, 0x8000, 0x7fff, 0xffff, 0x80, 0x7f,
               0xff, 0x100000000, 63, 64, 32, 31]

F64 = [0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000,
       0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000,
       0x7ff8000000001234, 0x7ff0000000000001, 0xfff4000000000abc,
       0x0000000000000001, 0x800fffffffffffff, 0x0010000000000000,
       0x3ff0000000000000, 0xbff0000000000000, 0x3ff0000000000001,
       0x3fefffffffffffff, 0x7fefffffffffffff, 0xffefffffffffffff,
       0x3fe0000000000000, 0x3ff8000000000000, 0x4004000000000000,
       0xc004000000000000, 0x43e0000000000000, 0xc3e0000000000000,
       0x43dfffffffffffff, 0x41dfffffffc00000, 0xc1e0000000100000,
       0x41efffffffe00000, 0x41f0000000000000, 0x4330000000000001,
       0x3ca0000000000000, 0x000fffffffffffff, 0x3690000000000000,
       0x47efffffe0000000, 0x47effffff0000000, 0x380fffffe0000000,
       0x40f0000000000000, 0x3f10000000000000]
F32 = [0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000,
       0xffc00000, 0x7fc01234, 0x7f800001, 0xffa00abc, 0x00000001,
       0x807fffff, 0x00800000, 0x3f800000, 0xbf800000, 0x3f800001,
       0x3f7fffff, 0x7f7fffff, 0xff7fffff, 0x3f000000, 0x3fc00000,
       0x40200000, 0xc0200000, 0x5f000000, 0xdf000000, 0x4effffff,
       0x4f000000, 0xcf000000, 0x4f800000, 0x3e800000, 0x33800000,
       0x477fe000, 0x477ff000, 0x38800000, 0x387fc000, 0x00400000,
       0x4b000001, 0x4b7fffff, 0x00ffffff]
F16 = [0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x7d01, 0x0001, 0x03ff,
       0x0400, 0x3c00, 0xbc00, 0x7bff, 0x3555, 0xfe12]


def f64_value(rng):
    if rng.random() < 0.6:
        return rng.choice(F64)
    # A random finite value of modest exponent with random low bits.
    exp = rng.randint(1023 - 70, 1023 + 70)
    return (rng.getrandbits(1) << 63) | (exp << 52) | rng.getrandbits(52)


def f32_value(rng):
    if rng.random() < 0.6:
        return rng.choice(F32)
    exp = rng.randint(127 - 40, 127 + 40)
    return (rng.getrandbits(1) << 31) | (exp << 23) | rng.getrandbits(23)


def half64(rng):
    """64 random bits of a V register, viewed as one or more FP lanes."""
    k = rng.random()
    if k < 0.35:
        return f64_value(rng)
    if k < 0.75:
        return f32_value(rng) | (f32_value(rng) << 32)
    if k < 0.85:
        return sum(rng.choice(F16) << (16 * i) for i in range(4))
    if k < 0.92:
        return rng.choice(INT_SPECIAL) * 0x0000000100000001 & (2**64 - 1)
    return rng.getrandbits(64)


def x_value(rng):
    k = rng.random()
    if k < 0.3:
        return rng.choice(INT_SPECIAL)
    if k < 0.45:
        return rng.randint(0, 4096)
    if k < 0.55:
        return (-rng.randint(1, 4096)) & (2**64 - 1)
    if k < 0.65:
        return f64_value(rng)
    if k < 0.7:
        return f32_value(rng)
    return rng.getrandbits(64)


# ---------------------------------------------------------------- helpers

def xr(r):
    return "xzr" if r == 31 else "x%d" % r


def wr(r):
    return "wzr" if r == 31 else "w%d" % r


def gr(r, sf):
    return xr(r) if sf else wr(r)


class Gen:
    """Draws units; every choice goes through self.rng."""

    def __init__(self, rng):
        self.rng = rng

    def pick(self, seq):
        return self.rng.choice(seq)

    def ri(self, lo, hi):
        return self.rng.randint(lo, hi)

    def x(self, zr=0.05):
        """A source X register number, sometimes XZR."""
        return 31 if self.rng.random() < zr else self.pick(XREGS)

    def d(self):
        """A destination X register number (never SP/X29/X30)."""
        return self.pick(XREGS)

    def dist(self, n, avoid=()):
        """n distinct destination registers, not in avoid."""
        regs = [r for r in XREGS if r not in avoid]
        return self.rng.sample(regs, n)

    def v(self):
        return self.ri(0, 31)

    def vlist(self, count):
        first = self.v()
        return [(first + i) % 32 for i in range(count)]

    def off(self, size, count=1, lo=-HALF, hi=HALF):
        """An offset from x29, aligned to size, with count * size bytes
        inside the buffer."""
        lo = max(lo, -HALF)
        hi = min(hi, HALF - size * count)
        return self.ri(lo // size, hi // size) * size

    def base(self, off, avoid=(), reg=None):
        """A temp base register set to x29 + off, now and then plus a few
        bytes (QEMU faults misaligned exclusives, acquire/release and
        atomics, and allows other misaligned accesses with the MMU off);
        returns (reg, text)."""
        b = self.dist(1, avoid)[0] if reg is None else reg
        if self.rng.random() < 0.1 and off + 24 < HALF:
            off += self.ri(1, 7)
        op = "add" if off >= 0 else "sub"
        return b, "%s x%d, x29, #%d" % (op, b, abs(off))


def bitmask_imm(g, sf):
    """A valid logical immediate for a 32- or 64-bit operation."""
    esize = g.pick([2, 4, 8, 16, 32] + ([64] if sf else []))
    ones = g.ri(1, esize - 1)
    rot = g.ri(0, esize - 1)
    elt = (1 << ones) - 1
    elt = ((elt >> rot) | (elt << (esize - rot))) & ((1 << esize) - 1)
    width = 64 if sf else 32
    v = 0
    for i in range(width // esize):
        v |= elt << (i * esize)
    return v


# ---------------------------------------------------------------- int

def u_int(g):
    sf = g.rng.random() < 0.7
    w = 64 if sf else 32
    R = lambda r: gr(r, sf)
    d, n, m = g.d(), g.x(), g.x()
    k = g.ri(0, 24)
    if k in (0, 2):
        n = g.x(0)              # register 31 is SP here, not XZR
        op = g.pick(["add", "sub", "adds", "subs"])
        sh = ", lsl #12" if g.rng.random() < 0.3 else ""
        if op in ("add", "sub") and g.rng.random() < 0.05:
            return "%s %s, %s, #%d%s" % (op, R(d), "sp" if sf else "wsp",
                                          g.ri(0, 4095), sh)
        if op in ("adds", "subs") and g.rng.random() < 0.2:
            return "%s %s, #%d%s" % (g.pick(["cmp", "cmn"]), R(n),
                                      g.ri(0, 4095), sh)
        return "%s %s, %s, #%d%s" % (op, R(d), R(n), g.ri(0, 4095), sh)
    if k == 1:
        op = g.pick(["add", "sub", "adds", "subs"])
        return "%s %s, %s, %s, %s #%d" % (op, R(d), R(n), R(m),
                                          g.pick(["lsl", "lsr", "asr"]),
                                          g.ri(0, w - 1))
    if k == 2:
        op = g.pick(["add", "sub", "adds", "subs"])
        ext = g.pick(["uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth",
                      "sxtw", "sxtx"])
        rm = xr(m) if (sf and ext in ("uxtx", "sxtx")) else wr(m)
        return "%s %s, %s, %s, %s #%d" % (op, R(d), R(n), rm, ext,
                                          g.ri(0, 4))
    if k == 3:
        op = g.pick(["and", "orr", "eor", "ands"])
        imm = bitmask_imm(g, sf)
        if op == "ands" and g.rng.random() < 0.2:
            return "tst %s, #0x%x" % (R(n), imm)
        return "%s %s, %s, #0x%x" % (op, R(d), R(n), imm)
    if k == 4:
        op = g.pick(["and", "bic", "orr", "orn", "eor", "eon", "ands",
                     "bics"])
        return "%s %s, %s, %s, %s #%d" % (op, R(d), R(n), R(m),
                                          g.pick(["lsl", "lsr", "asr",
                                                  "ror"]),
                                          g.ri(0, w - 1))
    if k == 5:
        op = g.pick(["movz", "movk", "movn"])
        return "%s %s, #0x%x, lsl #%d" % (op, R(d), g.ri(0, 0xffff),
                                          16 * g.ri(0, w // 16 - 1))
    if k == 6:
        op = g.pick(["ubfm", "sbfm", "bfm"])
        return "%s %s, %s, #%d, #%d" % (op, R(d), R(n), g.ri(0, w - 1),
                                        g.ri(0, w - 1))
    if k == 7:
        lsb = g.ri(0, w - 1)
        width = g.ri(1, w - lsb)
        op = g.pick(["ubfx", "sbfx", "bfi", "bfxil", "ubfiz", "sbfiz"])
        return "%s %s, %s, #%d, #%d" % (op, R(d), R(n), lsb, width)
    if k == 8:
        op = g.pick(["sxtb", "sxth", "uxtb", "uxth", "sxtw"])
        if op == "sxtw" or (op.startswith("s") and sf):
            return "%s %s, %s" % (op, xr(d), wr(n))
        return "%s %s, %s" % (op, wr(d), wr(n))
    if k == 9:
        op = g.pick(["lsl", "lsr", "asr", "ror"])
        if g.rng.random() < 0.5:
            return "%s %s, %s, #%d" % (op, R(d), R(n), g.ri(0, w - 1))
        return "%s %s, %s, %s" % (op, R(d), R(n), R(m))
    if k == 10:
        return "extr %s, %s, %s, #%d" % (R(d), R(n), R(m), g.ri(0, w - 1))
    if k == 11:
        a = g.x()
        op = g.pick(["madd", "msub", "mul", "mneg"])
        if op in ("mul", "mneg"):
            return "%s %s, %s, %s" % (op, R(d), R(n), R(m))
        return "%s %s, %s, %s, %s" % (op, R(d), R(n), R(m), R(a))
    if k == 12:
        op = g.pick(["smaddl", "umaddl", "smsubl", "umsubl", "smull",
                     "umull", "smnegl", "umnegl", "smulh", "umulh"])
        if op in ("smulh", "umulh"):
            return "%s %s, %s, %s" % (op, xr(d), xr(n), xr(m))
        if op in ("smull", "umull", "smnegl", "umnegl"):
            return "%s %s, %s, %s" % (op, xr(d), wr(n), wr(m))
        return "%s %s, %s, %s, %s" % (op, xr(d), wr(n), wr(m), xr(g.x()))
    if k == 13:
        op = g.pick(["sdiv", "udiv"])
        if g.rng.random() < 0.15:
            m = 31
        return "%s %s, %s, %s" % (op, R(d), R(n), R(m))
    if k == 14:
        op = g.pick(["csel", "csinc", "csinv", "csneg"])
        return "%s %s, %s, %s, %s" % (op, R(d), R(n), R(m), g.pick(CONDS))
    if k == 15:
        op = g.pick(["ccmp", "ccmn"])
        if g.rng.random() < 0.5:
            return "%s %s, #%d, #%d, %s" % (op, R(n), g.ri(0, 31),
                                            g.ri(0, 15), g.pick(CONDS))
        return "%s %s, %s, #%d, %s" % (op, R(n), R(m), g.ri(0, 15),
                                       g.pick(CONDS))
    if k == 16:
        ops = ["clz", "cls", "rbit", "rev", "rev16"] + (["rev32"] if sf
                                                         else [])
        return "%s %s, %s" % (g.pick(ops), R(d), R(n))
    if k == 17:
        op = g.pick(["adc", "sbc", "adcs", "sbcs"])
        if g.rng.random() < 0.2:
            return "%s %s, %s" % (g.pick(["ngc", "ngcs"]), R(d), R(m))
        return "%s %s, %s, %s" % (op, R(d), R(n), R(m))
    if k == 18:
        op = g.pick(["cset", "csetm"])
        if g.rng.random() < 0.5:
            return "%s %s, %s" % (op, R(d), g.pick(CONDS_ALIAS))
        return "%s %s, %s, %s" % (g.pick(["cinc", "cinv", "cneg"]), R(d),
                                  R(n), g.pick(CONDS_ALIAS))
    if k == 19:
        return "%s %s, %s, %s" % (g.pick(["adds", "subs"]), R(d), R(n),
                                  R(m))
    if k == 20:
        return "%s %s, %s" % (g.pick(["cmp", "cmn", "tst"]), R(n), R(m))
    if k == 21:
        return "%s %s, %s" % (g.pick(["mvn", "neg", "negs", "mov"]), R(d),
                              R(m))
    if k == 22:
        op = g.pick(["add", "sub", "adds", "subs"])
        rn = "sp" if sf else "wsp"
        if op in ("add", "sub"):
            # Extended form reading SP: the value is the same in both.
            return "%s %s, %s, %s, uxtw #%d" % (op, R(d), rn, wr(m),
                                                g.ri(0, 4))
        return "%s %s, %s, %s" % (op, R(d), R(n), R(m))
    if k == 23:
        # PC-relative: the same ELF runs at the same address in both.
        return "%s %s, a64gen_init_x + %d" % (g.pick(["adr", "adrp"]),
                                             xr(d), 8 * g.ri(0, 30))
    return "%s %s, %s, %s" % (g.pick(["lslv", "lsrv", "asrv", "rorv"]),
                              R(d), R(n), R(m))


# ---------------------------------------------------------------- ldst

# (mnemonic, access size, destination is X, is a store)
INT_LS = [("ldrb", 1, False, False), ("ldrh", 2, False, False),
          ("ldr", 4, False, False), ("ldr", 8, True, False),
          ("ldrsb", 1, False, False), ("ldrsb", 1, True, False),
          ("ldrsh", 2, False, False), ("ldrsh", 2, True, False),
          ("ldrsw", 4, True, False), ("strb", 1, False, True),
          ("strh", 2, False, True), ("str", 4, False, True),
          ("str", 8, True, True)]
FP_LS = [("b", 1), ("h", 2), ("s", 4), ("d", 8), ("q", 16)]


def unscaled(mn):
    return mn.replace("ldr", "ldur").replace("str", "stur")


def unpriv(mn):
    return mn.replace("ldr", "ldtr").replace("str", "sttr")


def u_ldst(g):
    k = g.ri(0, 14)
    mn, size, isx, store = g.pick(INT_LS)
    t = g.x(0.1) if store else g.d()
    rt = xr(t) if isx else wr(t)
    if k <= 2:
        # Scaled unsigned offset (non-negative only).
        return "%s %s, [x29, #%d]" % (mn, rt, g.off(size, lo=0))
    if k == 3:
        if g.rng.random() < 0.3:
            return "%s %s, [x29, #%d]" % (unscaled(mn), rt,
                                          g.ri(-256, 255 - size))
        return "%s %s, [x29, #%d]" % (unscaled(mn), rt,
                                      g.off(size, lo=-256, hi=255))
    if k == 4:
        return "%s %s, [x29, #%d]" % (unpriv(mn), rt,
                                      g.off(size, lo=-256, hi=255))
    if k == 5:
        # Pre/post index on a temp base; Rt != Rn for writeback.
        imm = g.off(size, lo=-256, hi=255)
        at = g.off(size, lo=-HALF + 256, hi=HALF - 256 - 16)
        b, setb = g.base(at, avoid=(t,))
        if g.rng.random() < 0.5:
            return "%s ; %s %s, [x%d, #%d]!" % (setb, mn, rt, b, imm)
        return "%s ; %s %s, [x%d], #%d" % (setb, mn, rt, b, imm)
    if k == 6:
        # Register offset with every extend: the index register holds an
        # element index when scaled, a byte offset otherwise.
        i = g.dist(1, avoid=(t,))[0]
        s = g.pick([0, {1: 0, 2: 1, 4: 2, 8: 3}[size]])
        mode = g.pick(["lsl", "uxtw", "sxtw", "sxtx"])
        lo = 0 if mode == "uxtw" else -HALF // size
        idx = g.ri(lo, HALF // size - 1)
        val = idx if s else idx * size
        amount = " #%d" % s if s or size == 1 else ""
        if mode == "lsl":
            set_i = "mov x%d, #%d" % (i, val)
            ext = "x%d, lsl #%d" % (i, s) if s else "x%d" % i
        elif mode == "sxtx":
            set_i = "mov x%d, #%d" % (i, val)
            ext = "x%d, sxtx%s" % (i, amount)
        else:
            # Random upper half: the extend must ignore it.
            set_i = "mov w%d, #%d ; movk x%d, #0x%x, lsl #%d" % (
                i, val, i, g.ri(0, 0xffff), g.pick([32, 48]))
            ext = "w%d, %s%s" % (i, mode, amount)
        return "%s ; %s %s, [x29, %s]" % (set_i, mn, rt, ext)
    if k in (7, 8):
        # Pairs: LDP with Rt == Rt2 is UNPREDICTABLE.
        form = g.pick(["ldp w", "ldp x", "stp w", "stp x", "ldpsw",
                       "ldnp w", "ldnp x", "stnp w", "stnp x"])
        mnp = form.split()[0]
        sz = 8 if form.endswith("x") else 4
        isxp = form.endswith("x") or form == "ldpsw"
        st = mnp.startswith("st")
        t1, t2 = (g.x(0.1), g.x(0.1)) if st else g.dist(2)
        R = xr if isxp else wr
        wb = g.ri(0, 2) if "np" not in mnp else 0
        imm = g.off(sz, lo=-64 * sz, hi=63 * sz)
        if wb == 0:
            imm = g.off(sz, 2, lo=-64 * sz, hi=63 * sz)
            return "%s %s, %s, [x29, #%d]" % (mnp, R(t1), R(t2), imm)
        at = g.off(sz, lo=-HALF + 64 * sz + 16, hi=HALF - 64 * sz - 16)
        b, setb = g.base(at, avoid=(t1, t2))
        if wb == 1:
            return "%s ; %s %s, %s, [x%d, #%d]!" % (setb, mnp, R(t1), R(t2),
                                                    b, imm)
        return "%s ; %s %s, %s, [x%d], #%d" % (setb, mnp, R(t1), R(t2), b,
                                               imm)
    if k == 9:
        # Load-acquire / store-release.
        mn2, sz = g.pick([("ldar", 4), ("ldar", 8), ("ldarb", 1),
                          ("ldarh", 2), ("stlr", 4), ("stlr", 8),
                          ("stlrb", 1), ("stlrh", 2)])
        at = g.off(sz)
        tt = g.x(0.1) if mn2.startswith("st") else g.d()
        b, setb = g.base(at, avoid=(tt,))
        return "%s ; %s %s, [x%d]" % (setb, mn2, xr(tt) if sz == 8
                                      else wr(tt), b)
    if k == 10:
        # Exclusive pair on one location: the store succeeds (status 0).
        sfx, sz = g.pick([("", 4), ("", 8), ("b", 1), ("h", 2)])
        acq = g.pick([("ldxr", "stxr"), ("ldaxr", "stlxr")])
        at = g.off(sz)
        tt, s, v, b = g.dist(4)
        R = xr if sz == 8 else wr
        _, setb = g.base(at, reg=b)
        # Now and then CLREX, or a plain store of a different value to the
        # location, in between: the store-exclusive fails (status 1) in
        # QEMU, which checks that memory still holds what LDXR read (the
        # check that also catches another vCPU's store).
        mid = ""
        c = g.rng.random()
        if c < 0.1:
            mid = "clrex ; "
        elif c < 0.2:
            mid = "mvn %s, %s ; str%s %s, [x%d] ; " % (R(v), R(tt), sfx,
                                                      R(v), b)
        return "%s ; %s%s %s, [x%d] ; %s%s%s w%d, %s, [x%d]" % (
            setb, acq[0], sfx, R(tt), b, mid, acq[1], sfx, s, R(v), b)
    if k == 11:
        # SIMD&FP register loads/stores (translate.c).
        r, sz = g.pick(FP_LS)
        vt = g.v()
        mn2 = g.pick(["ldr", "str", "ldur", "stur"])
        if mn2 in ("ldr", "str"):
            if g.rng.random() < 0.6:
                return "%s %s%d, [x29, #%d]" % (mn2, r, vt, g.off(sz, lo=0))
            imm = g.off(sz, lo=-256, hi=255)
            b, setb = g.base(g.off(16, lo=-HALF + 512, hi=HALF - 512))
            form = g.pick(["[x%d, #%d]!", "[x%d], #%d"]) % (b, imm)
            return "%s ; %s %s%d, %s" % (setb, mn2, r, vt, form)
        return "%s %s%d, [x29, #%d]" % (mn2, r, vt,
                                        g.off(sz, lo=-256, hi=255))
    if k == 12:
        r, sz = g.pick(FP_LS[2:])
        ld = g.rng.random() < 0.5
        v1 = g.v()
        v2 = g.pick([i for i in range(32) if i != v1]) if ld else g.v()
        mn2 = g.pick(["ldp", "ldnp"] if ld else ["stp", "stnp"])
        imm = g.off(sz, 2, lo=-64 * sz, hi=63 * sz)
        if mn2 in ("ldp", "stp") and g.rng.random() < 0.4:
            b, setb = g.base(g.off(16, lo=-HALF + 1100, hi=HALF - 1100))
            imm = g.off(sz, lo=-64 * sz, hi=63 * sz)
            form = g.pick(["[x%d, #%d]!", "[x%d], #%d"]) % (b, imm)
            return "%s ; %s %s%d, %s%d, %s" % (setb, mn2, r, v1, r, v2, form)
        return "%s %s%d, %s%d, [x29, #%d]" % (mn2, r, v1, r, v2, imm)
    if k == 13:
        # Load literal (PC-relative, from the pool or the initial state).
        c = g.ri(0, 5)
        if c == 0:
            return "ldr %s, =0x%x" % (xr(g.d()), x_value(g.rng))
        if c == 1:
            return "ldr %s, =0x%x" % (wr(g.d()), x_value(g.rng) & 0xffffffff)
        if c == 2:
            return "ldr d%d, =0x%x" % (g.v(), half64(g.rng))
        if c == 3:
            return "ldr q%d, =0x%x" % (g.v(), half64(g.rng) << 64 |
                                       half64(g.rng))
        mn2 = g.pick(["ldrsw %s" % xr(g.d()), "ldr %s" % wr(g.d()),
                      "ldr s%d" % g.v(), "prfm pldl1keep"])
        return "%s, a64gen_init_x + %d" % (mn2, 4 * g.ri(0, 61))
    return "prfm %s, [x29, #%d]" % (g.pick(["pldl1keep", "pstl2strm",
                                            "plil3keep"]),
                                    g.off(8, lo=0))


# ---------------------------------------------------------------- atomic

def u_atomic(g):
    k = g.ri(0, 5)
    sfx, sz = g.pick([("", 4), ("", 8), ("b", 1), ("h", 2)])
    R = xr if sz == 8 else wr
    at = g.off(sz)
    if k <= 2:
        op = g.pick(["ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin",
                     "ldumax", "ldumin", "swp"])
        order = g.pick(["", "a", "l", "al"])
        s, t, b = g.dist(3)
        if g.rng.random() < 0.15:
            t = 31
        if g.rng.random() < 0.1:
            s = t if t != 31 else s
        _, setb = g.base(at, reg=b)
        return "%s ; %s%s%s %s, %s, [x%d]" % (setb, op, order, sfx, R(s),
                                              R(t), b)
    if k == 3:
        order = g.pick(["", "a", "l", "al"])
        s, t, b = g.dist(3)
        _, setb = g.base(at, reg=b)
        # Half the time make the compare succeed: load the old value first.
        pre = ""
        if g.rng.random() < 0.5:
            pre = "ldr%s %s, [x%d] ; " % (sfx, R(s), b)
        return "%s ; %scas%s%s %s, %s, [x%d]" % (setb, pre, order, sfx,
                                                 R(s), R(t), b)
    if k == 4:
        # CASP: even register pairs, 2 * size aligned.
        psz = g.pick([4, 8])
        R = xr if psz == 8 else wr
        at = g.off(2 * psz)
        evens = [r for r in range(0, 28, 2)]
        s, t = g.rng.sample(evens, 2)
        b = g.dist(1, avoid=(s, s + 1, t, t + 1))[0]
        order = g.pick(["", "a", "l", "al"])
        _, setb = g.base(at, reg=b)
        pre = ""
        if g.rng.random() < 0.5:
            pre = "ldp %s, %s, [x%d] ; " % (R(s), R(s + 1), b)
        return "%s ; %scasp%s %s, %s, %s, %s, [x%d]" % (
            setb, pre, order, R(s), R(s + 1), R(t), R(t + 1), b)
    # Exclusive pair: LDXP/STXP with distinct registers.
    psz = g.pick([4, 8])
    R = xr if psz == 8 else wr
    at = g.off(2 * psz)
    t1, t2, st, v1, v2, b = g.dist(6)
    acq = g.pick([("ldxp", "stxp"), ("ldaxp", "stlxp")])
    _, setb = g.base(at, reg=b)
    return "%s ; %s %s, %s, [x%d] ; %s w%d, %s, %s, [x%d]" % (
        setb, acq[0], R(t1), R(t2), b, acq[1], st, R(v1), R(v2), b)


# ---------------------------------------------------------------- fp

def fr(p, r):
    return "%s%d" % (p, r)


FP_ROUND = ["n", "p", "m", "z", "a"]


def u_fp(g):
    p = g.pick(["s", "d"])
    d, n, m, a = g.v(), g.v(), g.v(), g.v()
    D, N, M, A = (fr(p, r) for r in (d, n, m, a))
    k = g.ri(0, 19)
    if k <= 2:
        op = g.pick(["fadd", "fsub", "fmul", "fdiv", "fnmul", "fmax", "fmin",
                     "fmaxnm", "fminnm"])
        return "%s %s, %s, %s" % (op, D, N, M)
    if k == 3:
        return "%s %s, %s" % (g.pick(["fabs", "fneg", "fsqrt", "fmov"]),
                              D, N)
    if k in (4, 5):
        return "%s %s, %s, %s, %s" % (g.pick(["fmadd", "fmsub", "fnmadd",
                                              "fnmsub"]), D, N, M, A)
    if k == 6:
        op = g.pick(["fcmp", "fcmpe"])
        if g.rng.random() < 0.3:
            return "%s %s, #0.0" % (op, N)
        return "%s %s, %s" % (op, N, M)
    if k == 7:
        return "%s %s, %s, #%d, %s" % (g.pick(["fccmp", "fccmpe"]), N, M,
                                       g.ri(0, 15), g.pick(CONDS))
    if k == 8:
        return "fcsel %s, %s, %s, %s" % (D, N, M, g.pick(CONDS))
    if k == 9:
        a1, a2 = g.rng.sample(["h", "s", "d"], 2)
        return "fcvt %s, %s" % (fr(a1, d), fr(a2, n))
    if k == 10:
        sf = g.rng.random() < 0.5
        op = "fcvt%s%s" % (g.pick(FP_ROUND), g.pick(["s", "u"]))
        return "%s %s, %s" % (op, gr(g.d(), sf), N)
    if k == 11:
        sf = g.rng.random() < 0.5
        op = g.pick(["fcvtzs", "fcvtzu"])
        return "%s %s, %s, #%d" % (op, gr(g.d(), sf), N,
                                   g.ri(1, 64 if sf else 32))
    if k == 12:
        sf = g.rng.random() < 0.5
        op = g.pick(["scvtf", "ucvtf"])
        if g.rng.random() < 0.4:
            return "%s %s, %s, #%d" % (op, D, gr(g.x(), sf),
                                       g.ri(1, 64 if sf else 32))
        return "%s %s, %s" % (op, D, gr(g.x(), sf))
    if k == 13:
        return "frint%s %s, %s" % (g.pick("npmzaxi"), D, N)
    if k == 14:
        c = g.ri(0, 5)
        if c == 0:
            return "fmov %s, %s" % (wr(g.d()), fr("s", n))
        if c == 1:
            return "fmov %s, %s" % (xr(g.d()), fr("d", n))
        if c == 2:
            return "fmov %s, %s" % (fr("s", d), wr(g.x()))
        if c == 3:
            return "fmov %s, %s" % (fr("d", d), xr(g.x()))
        if c == 4:
            return "fmov %s, v%d.d[1]" % (xr(g.d()), n)
        return "fmov v%d.d[1], %s" % (d, xr(g.x()))
    if k == 15:
        return "fmov %s, #%s" % (D, fp_imm(g))
    if k == 16:
        return "%s %s, %s" % (g.pick(["frecpe", "frsqrte", "frecpx"]), D, N)
    if k == 17:
        return "%s %s, %s, %s" % (g.pick(["frecps", "frsqrts", "fmulx",
                                          "fabd"]), D, N, M)
    if k == 18:
        return "%s %s, %s, %s" % (g.pick(["fmax", "fmin", "fmaxnm",
                                          "fminnm"]), D, N, M)
    return "fcvtxn %s, %s" % (fr("s", d), fr("d", n))


def fp_imm(g):
    """A value FMOV (immediate) can encode: +-(16+f)/16 * 2^e."""
    f = g.ri(0, 15)
    e = g.ri(-3, 4)
    v = (16 + f) / 16.0 * 2.0 ** e
    return repr(-v if g.rng.random() < 0.5 else v)


# ---------------------------------------------------------------- simd

ALL_T = ["8b", "16b", "4h", "8h", "2s", "4s", "2d"]
NO_D = ["8b", "16b", "4h", "8h", "2s", "4s"]
HS = ["4h", "8h", "2s", "4s"]
BYTE_T = ["8b", "16b"]
ESIZE = {"b": 8, "h": 16, "s": 32, "d": 64}
WIDE = {"8b": "8h", "16b": "8h", "4h": "4s", "8h": "4s", "2s": "2d",
        "4s": "2d"}
NARROW_OF = {"8h": ("8b", "16b"), "4s": ("4h", "8h"), "2d": ("2s", "4s")}


def vt(r, t):
    return "v%d.%s" % (r, t)


def is_q(t):
    return t in ("16b", "8h", "4s", "2d")


def two(t):
    return "2" if is_q(t) else ""


def u_simd(g):
    k = g.ri(0, 27)
    d, n, m = g.v(), g.v(), g.v()
    if k <= 3:
        op, ts = g.pick([
            ("add", ALL_T), ("sub", ALL_T), ("mul", NO_D), ("mla", NO_D),
            ("mls", NO_D), ("pmul", BYTE_T), ("and", BYTE_T),
            ("bic", BYTE_T), ("orr", BYTE_T), ("orn", BYTE_T),
            ("eor", BYTE_T), ("bsl", BYTE_T), ("bit", BYTE_T),
            ("bif", BYTE_T), ("cmeq", ALL_T), ("cmge", ALL_T),
            ("cmgt", ALL_T), ("cmhi", ALL_T), ("cmhs", ALL_T),
            ("cmtst", ALL_T), ("shadd", NO_D), ("uhadd", NO_D),
            ("srhadd", NO_D), ("urhadd", NO_D), ("shsub", NO_D),
            ("uhsub", NO_D), ("sqadd", ALL_T), ("uqadd", ALL_T),
            ("sqsub", ALL_T), ("uqsub", ALL_T), ("sshl", ALL_T),
            ("ushl", ALL_T), ("srshl", ALL_T), ("urshl", ALL_T),
            ("sqshl", ALL_T), ("uqshl", ALL_T), ("sqrshl", ALL_T),
            ("uqrshl", ALL_T), ("smax", NO_D), ("umax", NO_D),
            ("smin", NO_D), ("umin", NO_D), ("smaxp", NO_D),
            ("umaxp", NO_D), ("sminp", NO_D), ("uminp", NO_D),
            ("sabd", NO_D), ("uabd", NO_D), ("saba", NO_D), ("uaba", NO_D),
            ("addp", ALL_T), ("sqdmulh", HS), ("sqrdmulh", HS)])
        t = g.pick(ts)
        return "%s %s, %s, %s" % (op, vt(d, t), vt(n, t), vt(m, t))
    if k in (4, 5):
        op = g.pick(["saddl", "uaddl", "ssubl", "usubl", "sabal", "uabal",
                     "sabdl", "uabdl", "smlal", "umlal", "smlsl", "umlsl",
                     "smull", "umull", "sqdmull", "sqdmlal", "sqdmlsl",
                     "saddw", "uaddw", "ssubw", "usubw", "addhn", "raddhn",
                     "subhn", "rsubhn", "pmull"])
        if op.startswith("sqdm"):
            tb = g.pick(HS)
        elif op == "pmull":
            tb = g.pick(BYTE_T)
        else:
            tb = g.pick(NO_D)
        ta = WIDE[tb]
        op2 = op + two(tb)
        if op.endswith("w"):
            return "%s %s, %s, %s" % (op2, vt(d, ta), vt(n, ta), vt(m, tb))
        if op.endswith("hn"):
            return "%s %s, %s, %s" % (op2, vt(d, tb), vt(n, ta), vt(m, ta))
        return "%s %s, %s, %s" % (op2, vt(d, ta), vt(n, tb), vt(m, tb))
    if k in (6, 7):
        op, ts = g.pick([
            ("rev16", BYTE_T), ("rev32", ["8b", "16b", "4h", "8h"]),
            ("rev64", NO_D), ("cls", NO_D), ("clz", NO_D), ("cnt", BYTE_T),
            ("not", BYTE_T), ("rbit", BYTE_T), ("suqadd", ALL_T),
            ("usqadd", ALL_T), ("sqabs", ALL_T), ("sqneg", ALL_T),
            ("abs", ALL_T), ("neg", ALL_T), ("urecpe", ["2s", "4s"]),
            ("ursqrte", ["2s", "4s"])])
        t = g.pick(ts)
        return "%s %s, %s" % (op, vt(d, t), vt(n, t))
    if k == 8:
        op = g.pick(["cmgt", "cmge", "cmeq", "cmle", "cmlt"])
        t = g.pick(ALL_T)
        return "%s %s, %s, #0" % (op, vt(d, t), vt(n, t))
    if k == 9:
        op = g.pick(["saddlp", "uaddlp", "sadalp", "uadalp"])
        t = g.pick(NO_D)
        w = {"16b": "8h", "8h": "4s", "4s": "2d", "8b": "4h", "4h": "2s",
             "2s": "1d"}[t]
        return "%s %s, %s" % (op, vt(d, w), vt(n, t))
    if k == 10:
        op = g.pick(["xtn", "sqxtn", "uqxtn", "sqxtun"])
        ta = g.pick(["8h", "4s", "2d"])
        tb = g.pick(NARROW_OF[ta])
        return "%s%s %s, %s" % (op, two(tb), vt(d, tb), vt(n, ta))
    if k == 11:
        t = g.pick(NO_D)
        return "shll%s %s, %s, #%d" % (two(t), vt(d, WIDE[t]), vt(n, t),
                                       ESIZE[t[-1]])
    if k == 12:
        op = g.pick(["addv", "saddlv", "uaddlv", "smaxv", "umaxv", "sminv",
                     "uminv"])
        t = g.pick(["8b", "16b", "4h", "8h", "4s"])
        e = t[-1]
        if op.endswith("lv"):
            e = {"b": "h", "h": "s", "s": "d"}[e]
        return "%s %s%d, %s" % (op, e, d, vt(n, t))
    if k == 13:
        t = g.pick(ALL_T)
        e = t[-1]
        lanes = 16 // (ESIZE[e] // 8)
        if g.rng.random() < 0.5:
            return "dup %s, v%d.%s[%d]" % (vt(d, t), n, e, g.ri(0, lanes - 1))
        return "dup %s, %s" % (vt(d, t), xr(g.x()) if e == "d" else
                               wr(g.x()))
    if k == 14:
        e = g.pick("bhsd")
        lanes = 16 // (ESIZE[e] // 8)
        if g.rng.random() < 0.5:
            return "ins v%d.%s[%d], v%d.%s[%d]" % (d, e, g.ri(0, lanes - 1),
                                                   n, e, g.ri(0, lanes - 1))
        return "ins v%d.%s[%d], %s" % (d, e, g.ri(0, lanes - 1),
                                       xr(g.x()) if e == "d" else wr(g.x()))
    if k == 15:
        c = g.ri(0, 2)
        if c == 0:
            e = g.pick("bhsd")
            lanes = 16 // (ESIZE[e] // 8)
            return "umov %s, v%d.%s[%d]" % (
                xr(g.d()) if e == "d" else wr(g.d()), n, e,
                g.ri(0, lanes - 1))
        e = g.pick("bhs")
        lanes = 16 // (ESIZE[e] // 8)
        dst = xr(g.d()) if (e == "s" or g.rng.random() < 0.5) else wr(g.d())
        return "smov %s, v%d.%s[%d]" % (dst, n, e, g.ri(0, lanes - 1))
    if k == 16:
        t = g.pick(BYTE_T)
        return "ext %s, %s, %s, #%d" % (vt(d, t), vt(n, t), vt(m, t),
                                        g.ri(0, 15 if is_q(t) else 7))
    if k == 17:
        t = g.pick(BYTE_T)
        cnt = g.ri(1, 4)
        regs = ", ".join(vt(r, "16b") for r in g.vlist(cnt))
        return "%s %s, {%s}, %s" % (g.pick(["tbl", "tbx"]), vt(d, t), regs,
                                    vt(m, t))
    if k == 18:
        op = g.pick(["zip1", "zip2", "uzp1", "uzp2", "trn1", "trn2"])
        t = g.pick(ALL_T)
        return "%s %s, %s, %s" % (op, vt(d, t), vt(n, t), vt(m, t))
    if k == 19:
        return u_movi(g, d)
    if k in (20, 21):
        return u_shift_imm(g, d, n)
    if k == 22:
        return u_by_element(g, d, n, m)
    if k == 23:
        return u_simd_scalar(g, d, n, m)
    return u_simd_ldst(g)


def u_movi(g, d):
    c = g.ri(0, 6)
    if c == 0:
        t = g.pick(BYTE_T)
        return "movi %s, #0x%x" % (vt(d, t), g.ri(0, 255))
    if c == 1:
        t = g.pick(["4h", "8h"])
        return "%s %s, #0x%x, lsl #%d" % (g.pick(["movi", "mvni", "orr",
                                                  "bic"]), vt(d, t),
                                          g.ri(0, 255), g.pick([0, 8]))
    if c == 2:
        t = g.pick(["2s", "4s"])
        return "%s %s, #0x%x, lsl #%d" % (g.pick(["movi", "mvni", "orr",
                                                  "bic"]), vt(d, t),
                                          g.ri(0, 255), g.pick([0, 8, 16,
                                                                24]))
    if c == 3:
        t = g.pick(["2s", "4s"])
        return "%s %s, #0x%x, msl #%d" % (g.pick(["movi", "mvni"]),
                                          vt(d, t), g.ri(0, 255),
                                          g.pick([8, 16]))
    if c == 4:
        mask = sum((0xff << (8 * i)) for i in range(8)
                   if g.rng.random() < 0.5)
        if g.rng.random() < 0.5:
            return "movi d%d, #0x%x" % (d, mask)
        return "movi v%d.2d, #0x%x" % (d, mask)
    return "fmov %s, #%s" % (vt(d, g.pick(["2s", "4s", "2d"])), fp_imm(g))


def u_shift_imm(g, d, n):
    c = g.ri(0, 4)
    if c <= 1:
        op = g.pick(["sshr", "ushr", "ssra", "usra", "srshr", "urshr",
                     "srsra", "ursra", "shl", "sli", "sri", "sqshl",
                     "uqshl", "sqshlu"])
        t = g.pick(ALL_T)
        es = ESIZE[t[-1]]
        if op in ("shl", "sli", "sqshl", "uqshl", "sqshlu"):
            sh = g.ri(0, es - 1)
        else:
            sh = g.ri(1, es)
        return "%s %s, %s, #%d" % (op, vt(d, t), vt(n, t), sh)
    if c <= 3:
        op = g.pick(["shrn", "rshrn", "sqshrn", "uqshrn", "sqrshrn",
                     "uqrshrn", "sqshrun", "sqrshrun"])
        ta = g.pick(["8h", "4s", "2d"])
        tb = g.pick(NARROW_OF[ta])
        return "%s%s %s, %s, #%d" % (op, two(tb), vt(d, tb), vt(n, ta),
                                     g.ri(1, ESIZE[tb[-1]]))
    t = g.pick(NO_D)
    if g.rng.random() < 0.3:
        return "%s%s %s, %s" % (g.pick(["sxtl", "uxtl"]), two(t),
                                vt(d, WIDE[t]), vt(n, t))
    return "%s%s %s, %s, #%d" % (g.pick(["sshll", "ushll"]), two(t),
                                 vt(d, WIDE[t]), vt(n, t),
                                 g.ri(0, ESIZE[t[-1]] - 1))


def u_by_element(g, d, n, m):
    op = g.pick(["mul", "mla", "mls", "smull", "umull", "smlal", "umlal",
                 "smlsl", "umlsl", "sqdmulh", "sqrdmulh", "sqdmull",
                 "sqdmlal", "sqdmlsl"])
    t = g.pick(HS)
    e = t[-1]
    if e == "h":
        m, idx = m % 16, g.ri(0, 7)
    else:
        idx = g.ri(0, 3)
    if op in ("mul", "mla", "mls", "sqdmulh", "sqrdmulh"):
        return "%s %s, %s, v%d.%s[%d]" % (op, vt(d, t), vt(n, t), m, e, idx)
    return "%s%s %s, %s, v%d.%s[%d]" % (op, two(t), vt(d, WIDE[t]), vt(n, t),
                                        m, e, idx)


def u_simd_scalar(g, d, n, m):
    c = g.ri(0, 10)
    if c == 0:
        op = g.pick(["add", "sub", "cmeq", "cmge", "cmgt", "cmhi", "cmhs",
                     "cmtst", "sshl", "ushl", "srshl", "urshl"])
        return "%s d%d, d%d, d%d" % (op, d, n, m)
    if c == 1:
        op = g.pick(["sqadd", "uqadd", "sqsub", "uqsub", "sqshl", "uqshl",
                     "sqrshl", "uqrshl"])
        e = g.pick("bhsd")
        return "%s %s%d, %s%d, %s%d" % (op, e, d, e, n, e, m)
    if c == 2:
        op = g.pick(["sshr", "ushr", "ssra", "usra", "srshr", "urshr",
                     "srsra", "ursra", "sri"])
        return "%s d%d, d%d, #%d" % (op, d, n, g.ri(1, 64))
    if c == 3:
        op = g.pick(["shl", "sli"])
        return "%s d%d, d%d, #%d" % (op, d, n, g.ri(0, 63))
    if c == 4:
        e = g.pick("bhsd")
        op = g.pick(["sqshl", "uqshl", "sqshlu"])
        return "%s %s%d, %s%d, #%d" % (op, e, d, e, n,
                                       g.ri(0, ESIZE[e] - 1))
    if c == 5:
        if g.rng.random() < 0.5:
            return "addp d%d, v%d.2d" % (d, n)
        e = g.pick("bhsd")
        lanes = 16 // (ESIZE[e] // 8)
        return "mov %s%d, v%d.%s[%d]" % (e, d, n, e, g.ri(0, lanes - 1))
    if c == 6:
        e = g.pick("bhs")
        w = {"b": "h", "h": "s", "s": "d"}[e]
        if g.rng.random() < 0.5:
            op = g.pick(["sqshrn", "uqshrn", "sqrshrn", "uqrshrn", "sqshrun",
                         "sqrshrun"])
            return "%s %s%d, %s%d, #%d" % (op, e, d, w, n,
                                           g.ri(1, ESIZE[e]))
        op = g.pick(["sqxtn", "uqxtn", "sqxtun"])
        return "%s %s%d, %s%d" % (op, e, d, w, n)
    if c == 7:
        e = g.pick("hs")
        op = g.pick(["sqdmulh", "sqrdmulh"])
        if g.rng.random() < 0.5:
            return "%s %s%d, %s%d, %s%d" % (op, e, d, e, n, e, m)
        if e == "h":
            return "%s h%d, h%d, v%d.h[%d]" % (op, d, n, m % 16, g.ri(0, 7))
        return "%s s%d, s%d, v%d.s[%d]" % (op, d, n, m, g.ri(0, 3))
    if c == 8:
        op = g.pick(["abs", "neg", "sqabs", "sqneg", "suqadd", "usqadd"])
        e = "d" if op in ("abs", "neg") else g.pick("bhsd")
        return "%s %s%d, %s%d" % (op, e, d, e, n)
    if c == 9:
        op = g.pick(["sqdmull", "sqdmlal", "sqdmlsl"])
        e, w = g.pick([("h", "s"), ("s", "d")])
        if g.rng.random() < 0.5:
            return "%s %s%d, %s%d, %s%d" % (op, w, d, e, n, e, m)
        if e == "h":
            return "%s s%d, h%d, v%d.h[%d]" % (op, d, n, m % 16, g.ri(0, 7))
        return "%s d%d, s%d, v%d.s[%d]" % (op, d, n, m, g.ri(0, 3))
    op = g.pick(["cmgt", "cmge", "cmeq", "cmle", "cmlt"])
    return "%s d%d, d%d, #0" % (op, d, n)


def u_simd_ldst(g):
    c = g.ri(0, 3)
    t = g.pick(ALL_T)
    esz = ESIZE[t[-1]] // 8
    regbytes = 16 if is_q(t) else 8
    if c <= 1:
        st = g.rng.random() < 0.4
        nst = g.ri(1, 4)
        cnt = nst if nst > 1 else g.ri(1, 4)
        if nst == 1 and g.rng.random() < 0.1:
            t, regbytes = "1d", 8
        mn = ("st%d" if st else "ld%d") % nst
        total = cnt * regbytes
        regs = ", ".join(vt(r, t) for r in g.vlist(cnt))
        at = g.off(esz, 1, hi=HALF - total - 16)
        post = g.ri(0, 2)
        if post == 0:
            if at == 0:
                return "%s {%s}, [x29]" % (mn, regs)
            b, setb = g.base(at)
            return "%s ; %s {%s}, [x%d]" % (setb, mn, regs, b)
        b, setb = g.base(at)
        if post == 1:
            return "%s ; %s {%s}, [x%d], #%d" % (setb, mn, regs, b, total)
        i = g.dist(1, avoid=(b,))[0]
        return "%s ; mov x%d, #%d ; %s {%s}, [x%d], x%d" % (
            setb, i, g.ri(-64, 64), mn, regs, b, i)
    if c == 3:
        t = g.pick(ALL_T + ["1d"])
        esz = ESIZE[t[-1]] // 8
    e = t[-1]
    nst = g.ri(1, 4)
    regs_n = g.vlist(nst)
    at = g.off(esz, 1, hi=HALF - nst * esz - 16)
    b, setb = g.base(at)
    if c == 2:
        lanes = 16 // esz
        st = g.rng.random() < 0.4
        mn = ("st%d" if st else "ld%d") % nst
        regs = ", ".join("v%d.%s" % (r, e) for r in regs_n)
        lane = g.ri(0, lanes - 1)
        if g.rng.random() < 0.5:
            return "%s ; %s {%s}[%d], [x%d]" % (setb, mn, regs, lane, b)
        return "%s ; %s {%s}[%d], [x%d], #%d" % (setb, mn, regs, lane, b,
                                                 nst * esz)
    regs = ", ".join(vt(r, t) for r in regs_n)
    if g.rng.random() < 0.5:
        return "%s ; ld%dr {%s}, [x%d]" % (setb, nst, regs, b)
    return "%s ; ld%dr {%s}, [x%d], #%d" % (setb, nst, regs, b, nst * esz)


# ---------------------------------------------------------------- simdfp

FT = ["2s", "4s", "2d"]


def u_simdfp(g):
    d, n, m = g.v(), g.v(), g.v()
    t = g.pick(FT)
    k = g.ri(0, 15)
    if k <= 3:
        op = g.pick(["fadd", "fsub", "fmul", "fdiv", "fmax", "fmin",
                     "fmaxnm", "fminnm", "fmla", "fmls", "fabd", "fmulx",
                     "fcmeq", "fcmge", "fcmgt", "facge", "facgt", "frecps",
                     "frsqrts", "faddp", "fmaxp", "fminp", "fmaxnmp",
                     "fminnmp"])
        return "%s %s, %s, %s" % (op, vt(d, t), vt(n, t), vt(m, t))
    if k in (4, 5):
        op = g.pick(["fabs", "fneg", "fsqrt", "frintn", "frintp", "frintm",
                     "frintz", "frinta", "frintx", "frinti", "fcvtns",
                     "fcvtnu", "fcvtps", "fcvtpu", "fcvtms", "fcvtmu",
                     "fcvtzs", "fcvtzu", "fcvtas", "fcvtau", "scvtf",
                     "ucvtf", "frecpe", "frsqrte"])
        return "%s %s, %s" % (op, vt(d, t), vt(n, t))
    if k == 6:
        op = g.pick(["fcmeq", "fcmge", "fcmgt", "fcmle", "fcmlt"])
        return "%s %s, %s, #0.0" % (op, vt(d, t), vt(n, t))
    if k == 7:
        c = g.ri(0, 4)
        src = g.pick(["2s", "4s"])
        if c == 3:
            h = g.pick(["4h", "8h"])
            return "fcvtn%s %s, %s" % (two(h), vt(d, h), vt(n, "4s"))
        if c == 4:
            h = g.pick(["4h", "8h"])
            return "fcvtl%s %s, %s" % (two(h), vt(d, "4s"), vt(n, h))
        if c == 0:
            return "fcvtn%s %s, %s" % (two(src), vt(d, src), vt(n, "2d"))
        if c == 1:
            return "fcvtxn%s %s, %s" % (two(src), vt(d, src), vt(n, "2d"))
        return "fcvtl%s %s, %s" % (two(src), vt(d, "2d"), vt(n, src))
    if k == 8:
        if g.rng.random() < 0.5:
            e = g.pick("sd")
            op = g.pick(["faddp", "fmaxp", "fminp", "fmaxnmp", "fminnmp"])
            return "%s %s%d, %s" % (op, e, d, vt(n, "2s" if e == "s"
                                                 else "2d"))
        return "%s s%d, %s" % (g.pick(["fmaxv", "fminv", "fmaxnmv",
                                       "fminnmv"]), d, vt(n, "4s"))
    if k == 9:
        op = g.pick(["fmul", "fmla", "fmls", "fmulx"])
        e = t[-1]
        idx = g.ri(0, 3 if e == "s" else 1)
        if g.rng.random() < 0.3:
            return "%s %s%d, %s%d, v%d.%s[%d]" % (op, e, d, e, n, m, e, idx)
        return "%s %s, %s, v%d.%s[%d]" % (op, vt(d, t), vt(n, t), m, e, idx)
    if k == 10:
        op = g.pick(["scvtf", "ucvtf", "fcvtzs", "fcvtzu"])
        es = ESIZE[t[-1]]
        if g.rng.random() < 0.3:
            e = t[-1]
            return "%s %s%d, %s%d, #%d" % (op, e, d, e, n, g.ri(1, es))
        return "%s %s, %s, #%d" % (op, vt(d, t), vt(n, t), g.ri(1, es))
    if k == 11:
        e = g.pick("sd")
        op = g.pick(["fabd", "fmulx", "fcmeq", "fcmge", "fcmgt", "facge",
                     "facgt", "frecps", "frsqrts"])
        return "%s %s%d, %s%d, %s%d" % (op, e, d, e, n, e, m)
    if k == 12:
        e = g.pick("sd")
        op = g.pick(["fcvtns", "fcvtnu", "fcvtps", "fcvtpu", "fcvtms",
                     "fcvtmu", "fcvtzs", "fcvtzu", "fcvtas", "fcvtau",
                     "scvtf", "ucvtf", "frecpe", "frsqrte", "frecpx"])
        return "%s %s%d, %s%d" % (op, e, d, e, n)
    if k == 13:
        e = g.pick("sd")
        op = g.pick(["fcmeq", "fcmge", "fcmgt", "fcmle", "fcmlt"])
        return "%s %s%d, %s%d, #0.0" % (op, e, d, e, n)
    if k == 14:
        return "fcvtxn s%d, d%d" % (d, n)
    return "fmov %s, #%s" % (vt(d, t), fp_imm(g))


# ---------------------------------------------------------------- crypto

def u_crypto(g):
    d, n, m = g.v(), g.v(), g.v()
    k = g.ri(0, 7)
    if k == 0:
        op = g.pick(["aese", "aesd"])
        return "%s v%d.16b, v%d.16b" % (op, d, n)
    if k == 1:
        return "%s v%d.16b, v%d.16b" % (g.pick(["aesmc", "aesimc"]), d, n)
    if k == 2:
        op = g.pick(["sha1c", "sha1p", "sha1m"])
        return "%s q%d, s%d, v%d.4s" % (op, d, n, m)
    if k == 3:
        c = g.ri(0, 2)
        if c == 0:
            return "sha1su0 v%d.4s, v%d.4s, v%d.4s" % (d, n, m)
        if c == 1:
            return "sha1h s%d, s%d" % (d, n)
        return "sha1su1 v%d.4s, v%d.4s" % (d, n)
    if k == 4:
        op = g.pick(["sha256h", "sha256h2"])
        return "%s q%d, q%d, v%d.4s" % (op, d, n, m)
    if k == 5:
        if g.rng.random() < 0.5:
            return "sha256su0 v%d.4s, v%d.4s" % (d, n)
        return "sha256su1 v%d.4s, v%d.4s, v%d.4s" % (d, n, m)
    if k == 6:
        op = g.pick(["pmull v%d.1q, v%d.1d, v%d.1d",
                     "pmull2 v%d.1q, v%d.2d, v%d.2d"])
        return op % (d, n, m)
    op = g.pick(["crc32b", "crc32h", "crc32w", "crc32x", "crc32cb",
                 "crc32ch", "crc32cw", "crc32cx"])
    src = xr(g.x()) if op.endswith("x") else wr(g.x())
    return "%s %s, %s, %s" % (op, wr(g.d()), wr(g.x()), src)


UNITS = {"int": u_int, "ldst": u_ldst, "atomic": u_atomic, "fp": u_fp,
         "simd": u_simd, "simdfp": u_simdfp, "crypto": u_crypto}


# ---------------------------------------------------------------- program

def fpcr_value(rng):
    rmode = rng.choice([0, 0, 0, 1, 2, 3])
    fz = 1 if rng.random() < 0.3 else 0
    dn = 1 if rng.random() < 0.3 else 0
    ahp = 1 if rng.random() < 0.2 else 0
    return (rmode << 22) | (fz << 24) | (dn << 25) | (ahp << 26)


def units(seed, n, groups):
    """The initial state and n units (lists of instruction strings)."""
    rng = random.Random("a64gen:%d:%s" % (seed, ",".join(groups)))
    init = {
        "x": [x_value(rng) for _ in XREGS],
        "v": [(half64(rng), half64(rng)) for _ in range(32)],
        "nzcv": rng.getrandbits(4) << 28,
        "fpcr": fpcr_value(rng),
        "buf": [half64(rng) if rng.random() < 0.5 else x_value(rng)
                for _ in range(BUF // 8)],
    }
    g = Gen(rng)
    if list(groups) == ["all"]:
        groups = GROUPS
    out = []
    for _ in range(n):
        u = UNITS[rng.choice(groups)](g)
        out.append([s.strip() for s in u.split(";")])
    return init, out


def render(seed, init, body, groups, independent=False):
    o = ["/* Generated by tests/functional/a64gen.py: seed %d, groups %s, "
         "%d units%s. */" % (seed, ",".join(groups), len(body),
                             ", independent" if independent else ""),
         "    .arch armv8.1-a+crypto+crc",
         "    .data", "    .balign 16", "    .globl a64gen_init_x",
         "a64gen_init_x:"]
    o += ["    .quad 0x%016x" % v for v in init["x"]]
    o += ["    .quad 0x%016x" % init["nzcv"], "    .quad 0x%016x" %
          init["fpcr"], "    .balign 16", "    .globl a64gen_init_v",
          "a64gen_init_v:"]
    for lo, hi in init["v"]:
        o += ["    .quad 0x%016x, 0x%016x" % (lo, hi)]
    # Guards around the buffer: a dump that finds them changed reports a
    # generator bug (an access outside the buffer).
    o += ["    .balign 64", "    .globl a64gen_guard_lo", "a64gen_guard_lo:",
          "    .fill %d, 1, 0xa5" % GUARD]
    for name in ("a64gen_scratch", "a64gen_guard_hi",
                 "a64gen_scratch_init"):
        o += ["    .balign 64", "    .globl " + name, name + ":"]
        if name == "a64gen_guard_hi":
            o += ["    .fill %d, 1, 0xa5" % GUARD]
        else:
            o += ["    .quad 0x%016x" % v for v in init["buf"]]
    o += ["    .balign 8", "    .globl a64gen_units", "a64gen_units:"]
    o += ["    .quad .Lu%d" % i for i in range(len(body))]
    o += ["    .quad .Lend", "    .globl a64gen_nunits",
          "a64gen_nunits: .quad %d" % len(body)]
    # a64gen_reset: load the initial state (x30 is the return address).
    o += ["    .text", "    .balign 4", "a64gen_reset:",
          "    ldr x0, =a64gen_init_v"]
    o += ["    ldr q%d, [x0, #%d]" % (i, 16 * i) for i in range(32)]
    o += ["    ldr x0, =a64gen_init_x",
          "    ldr x1, [x0, #%d]" % (8 * 29), "    msr nzcv, x1",
          "    ldr x1, [x0, #%d]" % (8 * 30), "    msr fpcr, x1",
          "    msr fpsr, xzr"]
    o += ["    ldr x%d, [x0, #%d]" % (i, 8 * i) for i in XREGS[::-1]]
    o += ["    ldr x29, =a64gen_scratch + %d" % HALF, "    ret"]
    # a64gen_save: store X0-X28, NZCV, FPSR, V0-V31 to a64gen_state.
    o += ["a64gen_save:", "    stp x0, x1, [sp, #-16]!",
          "    ldr x0, =a64gen_state"]
    o += ["    str x%d, [x0, #%d]" % (i, 8 * i) for i in XREGS[2:]]
    o += ["    ldp x1, x2, [sp], #16", "    stp x1, x2, [x0]",
          "    mrs x1, nzcv", "    str x1, [x0, #%d]" % (8 * 29),
          "    mrs x1, fpsr", "    str x1, [x0, #%d]" % (8 * 30)]
    o += ["    str q%d, [x0, #%d]" % (i, 256 + 16 * i) for i in range(32)]
    o += ["    ret", "    .ltorg"]
    o += ["    .globl a64gen_body", "a64gen_body:", "    bl a64gen_reset"]
    for i, u in enumerate(body):
        o.append(".Lu%d:" % i)
        o += ["    " + s for s in u]
        if independent:
            o += ["    bl a64gen_save", "    mov x0, #%d" % i,
                  "    bl a64gen_record", "    bl a64gen_reset"]
    o += [".Lend:", "    bl a64gen_save", "    b a64gen_dump",
          "    .bss", "    .balign 16", "    .globl a64gen_state",
          "a64gen_state:", "    .space %d" % (256 + 32 * 16), ""]
    return "\n".join(o)


def generate(seed, n, groups=GROUPS, independent=False):
    """Assembly text of a stream of n units drawn from groups.  With
    independent, every unit starts from the initial state and the changes
    it makes are printed after it ("u<K> <reg>=<value>")."""
    if isinstance(groups, str):
        groups = [groups]
    init, body = units(seed, n, list(groups))
    return render(seed, init, body, list(groups), independent)


def unit_text(seed, n, groups, i):
    """Instruction(s) of unit i, as one line."""
    _, body = units(seed, n, list(groups))
    return " ; ".join(body[i])


def unit_list(seed, n, groups):
    _, body = units(seed, n, list(groups))
    return ["%4d: %s" % (i, " ; ".join(u)) for i, u in enumerate(body)]


# ---------------------------------------------------------------- build/run

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RT_SRC = os.path.join(ROOT, "tests", "guest", "aarch64")
CROSS_CC = "aarch64-linux-gnu-gcc"
CFLAGS = ["-mgeneral-regs-only", "-static", "-nostdlib", "-ffreestanding",
          "-fno-builtin", "-fno-pic", "-fno-pie", "-O2", "-Wall", "-Wextra",
          "-Werror", "-fno-tree-loop-distribute-patterns",
          "-fno-stack-protector", "-I" + RT_SRC]
LDFLAGS = ["-T", os.path.join(RT_SRC, "link.ld"), "-nostdlib", "-static",
           "-no-pie", "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments"]
QEMU = "/usr/bin/qemu-system-aarch64"


def guest_args(elf):
    return ["-M", "virt,gic-version=3", "-cpu", "max", "-m", "128M",
            "-nographic", "-kernel", elf]


def build_runtime(outdir):
    """Compile crt0.S, lib.c and a64gen_dump.c once; return the objects."""
    objs = []
    for src in (os.path.join(RT_SRC, "crt0.S"),
                os.path.join(RT_SRC, "lib.c"),
                os.path.join(HERE, "a64gen_dump.c")):
        obj = os.path.join(outdir, os.path.basename(src) + ".o")
        subprocess.run([CROSS_CC] + CFLAGS + ["-c", "-o", obj, src],
                       check=True)
        objs.append(obj)
    return objs


def build_stream(outdir, objs, name, asm):
    """Assemble and link one stream; return the ELF path."""
    src = os.path.join(outdir, name + ".S")
    with open(src, "w") as f:
        f.write(asm)
    elf = os.path.join(outdir, name + ".elf")
    subprocess.run([CROSS_CC] + CFLAGS + LDFLAGS + ["-o", elf] + objs +
                   [src], check=True)
    return elf


def run(binary, elf, timeout=30):
    """Run one ELF; return (exit status, output).  A hang is status -1."""
    try:
        p = subprocess.run(["timeout", "-k", "2", str(timeout), binary] +
                           guest_args(elf), stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout + 5)
    except subprocess.TimeoutExpired:
        return -1, "(timeout)"
    return p.returncode, p.stdout.decode("utf-8", "replace").replace(
        "\r\n", "\n")


def first_difference(ours, ref):
    """(line number, machina line, qemu line) of the first difference."""
    a, b = ours.splitlines(), ref.splitlines()
    for i in range(max(len(a), len(b))):
        la = a[i] if i < len(a) else "(missing)"
        lb = b[i] if i < len(b) else "(missing)"
        if la != lb:
            return i, la, lb
    return None


def operand_names(text):
    """Dump names ("x05", "v17", "nzcv") of the registers a unit's last
    instruction names."""
    import re
    names = []
    for kind, num in re.findall(r"\b([xwvqdshb])([0-9]+)\b",
                                text.split(" ; ")[-1]):
        name = ("x%02d" if kind in "xw" else "v%02d") % int(num)
        if name not in names and name != "x29":
            names.append(name)
    return names + ["nzcv"]


def values_of(dump, names):
    """The "name=value" lines of a normal-mode dump for names."""
    vals = dict(ln.split("=", 1) for ln in dump.splitlines() if "=" in ln)
    return ["%s=%s" % (nm, vals[nm]) for nm in names if nm in vals]


def init_values(seed, n, groups, names):
    """Initial values of names in a stream (the inputs of every unit in
    independent mode), plus FPCR."""
    init, _ = units(seed, n, list(groups))
    out = []
    for nm in names:
        if nm == "nzcv":
            out.append("nzcv=%016x" % init["nzcv"])
        elif nm[0] == "x":
            out.append("%s=%016x" % (nm, init["x"][int(nm[1:])]))
        else:
            lo, hi = init["v"][int(nm[1:])]
            out.append("%s=%016x%016x" % (nm, hi, lo))
    return out + ["fpcr=%08x" % init["fpcr"]]


def bisect(seed, n, groups, machina, workdir=None, log=print):
    """Smallest k <= n such that the first k units differ; returns
    (k, unit text, machina line, qemu line, input values) or None if the
    n units agree.  Input values are QEMU's registers after k - 1 units."""
    workdir = workdir or tempfile.mkdtemp(prefix="a64gen-")
    objs = build_runtime(workdir)
    refs = {}

    def differs(k):
        elf = build_stream(workdir, objs, "b%d" % k,
                           generate(seed, k, groups))
        rc, ours = run(machina, elf)
        qrc, refs[k] = run(QEMU, elf)
        diff = first_difference(ours, refs[k])
        log("  %5d units: %s" % (k, "differ" if diff or rc != qrc
                                 else "same"))
        return diff or (("exit", rc, qrc) if rc != qrc else None)

    diff = differs(n)
    if not diff:
        return None
    lo, hi = 0, n               # lo agrees, hi differs
    if differs(0):
        return 0, "(prologue)", "", "", []
    while hi - lo > 1:
        mid = (lo + hi) // 2
        d = differs(mid)
        if d:
            hi, diff = mid, d
        else:
            lo = mid
    text = unit_text(seed, n, groups, hi - 1)
    fpcr = init_values(seed, n, groups, [])
    return (hi, text, diff[1], diff[2],
            values_of(refs[lo], operand_names(text)) + fpcr)


def reference_problem(ref):
    """Why a QEMU output cannot serve as the reference (a generator bug),
    or None.  Alignment faults of misaligned exclusives, acquire/release
    and atomics are expected; any other trap is not."""
    if "a64gen done" not in ref:
        return "QEMU did not finish"
    if "GUARD" in ref:
        return "an access outside the scratch buffer"
    for ln in ref.splitlines():
        if ln.startswith("TRAP"):
            esr = int(ln.split("esr=")[1].split()[0], 16)
            if esr >> 26 != 0x25 or esr & 0x3f != 0x21:
                return "QEMU trapped: " + ln
    return None


def per_unit(text):
    """Independent-mode output: {unit: [lines]} (TRAP lines included)."""
    res = {}
    for ln in text.splitlines():
        if ln.startswith("TRAP unit="):
            k = int(ln.split()[1].split("=")[1])
            res.setdefault(k, []).append(" ".join(ln.split()[2:]) +
                                         " (trap)")
        elif ln.startswith("u") and " " in ln:
            k, rest = ln.split(" ", 1)
            if k[1:].isdigit():
                res.setdefault(int(k[1:]), []).append(rest)
    return res


def independent_diffs(seed, n, groups, machina, workdir, objs=None):
    """Run every unit from the initial state under both emulators; return
    [(unit, text, qemu lines, machina lines)] for the units that differ,
    or raise RuntimeError if QEMU itself trapped (a generator bug)."""
    objs = objs or build_runtime(workdir)
    elf = build_stream(workdir, objs, "ind%d" % seed,
                       generate(seed, n, groups, independent=True))
    _, ref = run(QEMU, elf)
    _, ours = run(machina, elf)
    problem = reference_problem(ref)
    if problem:
        raise RuntimeError("%s: %s" % (elf, problem))
    r, o = per_unit(ref), per_unit(ours)
    _, body = units(seed, n, list(groups))
    out = []
    for k in range(n):
        if r.get(k, []) != o.get(k, []):
            out.append((k, " ; ".join(body[k]), r.get(k, []),
                        o.get(k, [])))
    if "a64gen done" not in ours:
        out.append((n, "(Machina did not finish)", [], ours[-300:]))
    return out


def key_of(text):
    """The instruction a unit tests: its last line, mnemonic plus shape
    (register kinds and arrangements, no numbers)."""
    import re
    insn = text.split(" ; ")[-1]
    mn = insn.split()[0]
    ops = insn[len(mn):]
    ops = re.sub(r"#-?[0-9a-fx.]+", "#i", ops)
    ops = re.sub(r"\b([xwvqdshb])([0-9]+)\b", r"\1", ops)
    ops = re.sub(r"\[[0-9]+\]", "[i]", ops)
    return mn + ops


def survey(seeds, n, groups, machina, log=print):
    """Independent runs over seeds; mismatches grouped by instruction
    shape, most frequent first: [(key, count, example)]."""
    workdir = tempfile.mkdtemp(prefix="a64gen-")
    objs = build_runtime(workdir)
    found = {}
    for seed in seeds:
        for k, text, ref, ours in independent_diffs(seed, n, groups,
                                                    machina, workdir, objs):
            key = key_of(text)
            ent = found.setdefault(key, [0, None])
            ent[0] += 1
            if ent[1] is None:
                ent[1] = (seed, k, text, ref, ours)
    return sorted(((k, c, ex) for k, (c, ex) in found.items()),
                  key=lambda e: -e[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--group", default="int",
                    help="comma-separated groups of %s, or all (every "
                    "group mixed)" % ", ".join(GROUPS))
    ap.add_argument("--independent", action="store_true",
                    help="print the assembly of the independent mode")
    ap.add_argument("--list", action="store_true",
                    help="print the units, one per line")
    ap.add_argument("--bisect", metavar="BUILD",
                    help="Machina build directory: find the first unit "
                    "where Machina and QEMU differ")
    ap.add_argument("--survey", metavar="BUILD",
                    help="Machina build directory: run every unit "
                    "independently for SEEDS seeds starting at --seed and "
                    "list the mismatching instructions, most frequent first")
    ap.add_argument("--seeds", type=int, default=10)
    a = ap.parse_args()
    groups = a.group.split(",")
    for grp in groups:
        if grp not in GROUPS + ("all",):
            ap.error("unknown group %s" % grp)
    if a.list:
        print("\n".join(unit_list(a.seed, a.n, groups)))
        return 0
    if a.survey:
        emu = os.path.join(a.survey, "machina-system-aarch64")
        res = survey(range(a.seed, a.seed + a.seeds), a.n, groups, emu)
        for key, count, (seed, k, text, ref, ours) in res:
            print("%5d  %s" % (count, key))
            print("       seed %d unit %d: %s" % (seed, k, text))
            print("       inputs:  %s" % " ".join(init_values(
                seed, a.n, groups, operand_names(text))))
            print("       qemu:    %s" % " | ".join(ref))
            print("       machina: %s" % " | ".join(ours))
        return 1 if res else 0
    if a.bisect:
        emu = os.path.join(a.bisect, "machina-system-aarch64")
        for tool in (CROSS_CC, QEMU, emu):
            if not shutil.which(tool):
                print("missing %s" % tool)
                return 2
        r = bisect(a.seed, a.n, groups, emu)
        if r is None:
            print("seed %d: %d units of %s agree" % (a.seed, a.n, a.group))
            return 0
        k, text, ours, ref, inputs = r
        print("first difference after unit %d: %s" % (k - 1, text))
        print("  inputs:  %s" % " ".join(inputs))
        print("  machina: %s\n  qemu:    %s" % (ours, ref))
        return 1
    sys.stdout.write(generate(a.seed, a.n, groups, a.independent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
