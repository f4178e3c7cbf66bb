# SPDX-License-Identifier: MIT
"""QMP client: every command and event, and bad input, against U-Boot."""

import os
import tempfile

import pytest

import machina


@pytest.fixture
def qmp_vm(emu):
    if not os.path.exists(machina.UBOOT):
        pytest.skip("u-boot-qemu is not installed")
    tmp = tempfile.mkdtemp(prefix="machina-qmp-")
    path = os.path.join(tmp, "qmp.sock")
    with machina.Vm(["-M", "virt", "-nographic", "-kernel", machina.UBOOT,
                     "-qmp", "unix:%s,server=on,wait=off" % path]) as vm:
        vm.wait_for("OpenSBI", timeout=30)
        yield vm, path
    if os.path.exists(path):
        os.unlink(path)
    os.rmdir(tmp)


def connect(path):
    q = machina.Qmp(path)
    greeting = q.read()
    assert "version" in greeting["QMP"]
    assert greeting["QMP"]["capabilities"] == []
    return q


def check_event(ev, name):
    assert ev["event"] == name
    assert set(ev["timestamp"]) == {"seconds", "microseconds"}


def test_qmp_commands(qmp_vm):
    vm, path = qmp_vm
    q = connect(path)
    r = q.cmd("query-status")
    assert r["error"]["class"] == "CommandNotFound"
    assert q.cmd("qmp_capabilities", id="neg") == {"return": {},
                                                   "id": "neg"}
    r = q.cmd("query-status", id=5)
    assert r["id"] == 5 and r["return"]["status"] == "running"
    assert "qemu" in q.cmd("query-version")["return"]
    cpus = q.cmd("query-cpus-fast")["return"]
    assert cpus[0]["cpu-index"] == 0
    names = {c["name"] for c in q.cmd("query-commands")["return"]}
    for n in ("qmp_capabilities", "query-status", "query-version",
              "query-cpus-fast", "query-commands", "stop", "cont",
              "system_reset", "system_powerdown", "quit", "screendump",
              "human-monitor-command"):
        assert n in names
    assert q.cmd("stop") == {"return": {}}
    check_event(q.event("STOP"), "STOP")
    assert q.cmd("query-status")["return"]["status"] == "paused"
    r = q.cmd("human-monitor-command", {"command-line": "info status"})
    assert "paused" in r["return"]
    assert q.cmd("cont") == {"return": {}}
    check_event(q.event("RESUME"), "RESUME")
    r = q.cmd("human-monitor-command", {"command-line": "x/2i $pc"})
    assert r["return"].count("0x") >= 2
    assert q.cmd("screendump", {"filename": "/tmp/x"})["error"]["class"] \
        == "GenericError"
    assert q.cmd("system_reset") == {"return": {}}
    check_event(q.event("RESET"), "RESET")
    vm.wait_for("OpenSBI", timeout=30)
    assert q.cmd("quit") == {"return": {}}
    check_event(q.event("SHUTDOWN"), "SHUTDOWN")
    assert vm.wait_exit(10) == 0


def test_qmp_bad_input(qmp_vm):
    vm, path = qmp_vm
    q = connect(path)
    q.cmd("qmp_capabilities")
    q.send_raw("{ this is not json }\n")
    assert q.reply()["error"]["class"] == "GenericError"
    q.send_raw("[1, 2]\n")
    assert q.reply()["error"]["class"] == "GenericError"
    assert q.cmd("no-such-command", id=1) == {
        "error": {"class": "CommandNotFound",
                  "desc": "The command no-such-command has not been found"},
        "id": 1}
    r = q.cmd("human-monitor-command", {"command-line": 42})
    assert r["error"]["class"] == "GenericError"
    r = q.cmd("stop", {"bogus": 1})
    assert r["error"]["class"] == "GenericError"
    q.send_raw('{"execute": 7}\n')
    assert q.reply()["error"]["class"] == "GenericError"
    q.send_raw('{"execute": "stop", "arguments": []}\n')
    assert q.reply()["error"]["class"] == "GenericError"
    # Disconnect in the middle of a command: the VM carries on.
    q.send_raw('{"execute": "query-sta')
    q.close()
    q2 = connect(path)
    q2.cmd("qmp_capabilities")
    assert q2.cmd("query-status")["return"]["running"] is True
    # Send a command and hang up before reading the reply.
    q2.send_raw('{"execute": "human-monitor-command", "arguments": '
                '{"command-line": "info registers"}}\n')
    q2.close()
    q3 = connect(path)
    q3.cmd("qmp_capabilities")
    assert q3.cmd("query-status")["return"]["status"] == "running"
    assert vm.alive()
    assert q3.cmd("system_powerdown") == {"return": {}}
    check_event(q3.event("POWERDOWN"), "POWERDOWN")
    check_event(q3.event("SHUTDOWN"), "SHUTDOWN")
    assert vm.wait_exit(10) == 0
