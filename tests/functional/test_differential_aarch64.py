# SPDX-License-Identifier: MIT
"""Differential tests of the A64 translator: seeded random instruction
streams (a64gen.py) of each group run under Machina and Debian's
qemu-system-aarch64 (-cpu max) must end with the same registers, flags,
FPSR and memory.

MACHINA_A64GEN_SEEDS (e.g. "1 2 3") and MACHINA_A64GEN_N (units per
stream) run more.  On a mismatch the message names the first differing
line, then re-runs the same units each from the initial state
(independent mode) to list every unit whose result differs, expected
(QEMU) against got (Machina), and gives the bisect command line."""

import os
import shutil

import pytest

import a64gen
import machina

pytestmark = pytest.mark.differential

SEEDS = [int(s) for s in
         os.environ.get("MACHINA_A64GEN_SEEDS", "1 2").split()]
N_UNITS = int(os.environ.get("MACHINA_A64GEN_N", "400"))
SHOWN = 12                      # mismatching units listed in a failure


def emulator():
    return os.path.join(machina.BUILD, "machina-system-aarch64")


@pytest.fixture(scope="module")
def a64_build(tmp_path_factory):
    for tool in (a64gen.CROSS_CC, a64gen.QEMU):
        if not shutil.which(tool):
            pytest.skip("%s is not installed (Debian: gcc-aarch64-linux-gnu,"
                        " qemu-system-arm)" % tool)
    if not os.access(emulator(), os.X_OK):
        pytest.skip("emulator %s is not built" % emulator())
    d = str(tmp_path_factory.mktemp("a64gen"))
    return d, a64gen.build_runtime(d)


def explain(d, objs, group, seed, first):
    """Failure text: first differing line, the mismatching units run
    independently, the unit list and how to bisect."""
    line, ours, ref = first
    msg = ["group %s seed %d: first difference at output line %d" %
           (group, seed, line + 1),
           "  machina: %s" % ours, "  qemu:    %s" % ref]
    try:
        diffs = a64gen.independent_diffs(seed, N_UNITS, [group], emulator(),
                                         d, objs)
    except RuntimeError as e:
        diffs = []
        msg.append(str(e))
    if diffs:
        msg.append("units that differ when run alone (%d):" % len(diffs))
    else:
        msg.append("no unit differs when run alone: the difference needs "
                   "the values earlier units left; bisect below")
    for k, text, qlines, mlines in diffs[:SHOWN]:
        msg += ["  unit %d: %s" % (k, text),
                "    inputs:  %s" % " ".join(a64gen.init_values(
                    seed, N_UNITS, [group], a64gen.operand_names(text))),
                "    qemu:    %s" % (" | ".join(qlines) or "(no change)"),
                "    machina: %s" % (" | ".join(mlines) or "(no change)")]
    if len(diffs) > SHOWN:
        msg.append("  ... %d more" % (len(diffs) - SHOWN))
    msg.append("stream: %s" % os.path.join(d, "%s%d.S" % (group, seed)))
    msg.append("units:\n" + "\n".join(
        a64gen.unit_list(seed, N_UNITS, [group])))
    msg.append("bisect: python3 tests/functional/a64gen.py --seed %d "
               "--group %s --n %d --bisect %s" % (seed, group, N_UNITS,
                                                  machina.BUILD))
    return "\n".join(msg)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("group", a64gen.GROUPS + ("all",))
def test_a64_random_stream(a64_build, group, seed):
    d, objs = a64_build
    elf = a64gen.build_stream(d, objs, "%s%d" % (group, seed),
                              a64gen.generate(seed, N_UNITS, [group]))
    qrc, ref = a64gen.run(a64gen.QEMU, elf)
    problem = a64gen.reference_problem(ref)
    assert qrc == 0 and not problem, \
        "reference QEMU failed (generator bug?): %s\n%s" % (problem,
                                                            ref[-2000:])
    rc, ours = a64gen.run(emulator(), elf)
    first = a64gen.first_difference(ours, ref)
    assert first is None, explain(d, objs, group, seed, first)
    assert rc == qrc


def test_a64gen_prefix_property():
    """Bisecting needs the first k units of a stream to be the stream of
    k units."""
    for group in a64gen.GROUPS:
        long = a64gen.unit_list(7, 60, [group])
        assert a64gen.unit_list(7, 25, [group]) == long[:25]


def test_a64gen_detects_a_difference(a64_build):
    """The comparison can fail: the same FP stream run once rounding to
    nearest and once towards zero must not print the same."""
    d, objs = a64_build
    asm = a64gen.generate(3, 60, ["fp"])
    assert "msr fpcr, x1" in asm
    outs = []
    for name, fpcr in (("rn", 0), ("rz", 3 << 22)):
        elf = a64gen.build_stream(d, objs, name, asm.replace(
            "msr fpcr, x1", "mov x1, #%d\n    msr fpcr, x1" % fpcr))
        _, out = a64gen.run(a64gen.QEMU, elf)
        assert "a64gen done" in out
        outs.append(out)
    assert a64gen.first_difference(*outs) is not None


def test_a64gen_bisect_plumbing(a64_build):
    """--bisect on a short int stream: Machina and QEMU agree, so it
    reports no difference after one run of each."""
    logged = []
    assert a64gen.bisect(5, 20, ["int"], emulator(), a64_build[0],
                         log=logged.append) is None
    assert logged == ["     20 units: same"]
