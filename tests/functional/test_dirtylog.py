# SPDX-License-Identifier: MIT
"""Display dirty tracking from the memory API (docs/devel/display.md,
"Dirty tracking"): after the guest has sat idle long enough for several
refreshes to clean and re-protect the framebuffer pages, a one-pixel
write must still reach the screen -- through a DMA-like path (the gdb
stub's memory write, dma_write into vram) and through plain CPU stores
(the TLB slow path that a cleaned page sends the first store to).

tests/guest/riscv64/vga.c shows VBE 320x200x8 as screen 6 and writes a
40x30 block with CPU stores for screen 7.  A VNC viewer keeps the
refresh timer running, so the conversions under test are the timer's
incremental ones; screendump is checked too."""

import os
import socket
import time

from test_display import Rfb
from test_gdb import Raw, free_port, wait_listen
from test_vga import VgaVm, emulator, expected_vbe8, read_ppm

VRAM = 0x40000000       # BAR 0 in tests/guest/riscv64/vga.c
PIXEL = (5, 190)
INDEX = 0x42


def with_pixel(img):
    w, h, rgb = img
    x, y = PIXEL
    o = 3 * (y * w + x)
    px = bytes((INDEX, (INDEX * 3) & 0xff, 255 - INDEX))
    return w, h, rgb[:o] + px + rgb[o + 3:]


def settle(c, want):
    """Incremental updates until the viewer shows want (or give up)."""
    w, h, img = want
    for _ in range(50):
        if (c.w, c.h) == (w, h) and bytes(c.fb) == img:
            return True
        c.request(incremental=True)
        c.read_update()
    return (c.w, c.h) == (w, h) and bytes(c.fb) == img


def test_idle_then_one_pixel(tmp_path):
    port = free_port()
    vnc = str(tmp_path / "vnc.sock")
    g = VgaVm(emulator(), "riscv64", str(tmp_path),
              ["-vnc", "unix:" + vnc, "-gdb", "tcp::%d" % port])
    try:
        wait_listen(port)
        for n in range(1, 7):
            g.vm.send("n")
            g.vm.wait_for(r"READY %d\r?\n" % n, timeout=60)
        c = Rfb(vnc, socket.AF_UNIX)
        c.handshake()
        c.set_encodings([0, -223])
        c.request()
        c.read_update()
        assert settle(c, expected_vbe8()), "screen 6"
        # Idle: the 30 ms refresh cleans the pages and re-protects them.
        # (Only makes the case harder; nothing depends on the duration.)
        time.sleep(0.5)

        # One byte of vram through the gdb stub (dma_write), VM stopped.
        gdb = Raw(port)
        gdb.send_raw(b"+")
        gdb.cmd("?")
        x, y = PIXEL
        assert gdb.cmd("M%x,1:%02x" % (VRAM + y * 320 + x, INDEX)) == "OK"
        want = with_pixel(expected_vbe8())
        assert settle(c, want), "pixel written by the gdb stub not shown"
        assert read_ppm(g.screendump(str(tmp_path / "pixel.ppm"))) == want

        # Resume; the guest's CPU stores (screen 7) after another idle
        # stretch must show too, next to the pixel.
        gdb.packet("D")
        assert gdb.ack() == b"+"
        assert gdb.reply() == "OK"
        gdb.s.close()
        time.sleep(0.5)
        g.vm.send("n")
        g.vm.wait_for(r"READY 7\r?\n", timeout=60)
        want = with_pixel(expected_vbe8(block=True))
        assert settle(c, want), "CPU stores after idle not shown"
        assert read_ppm(g.screendump(str(tmp_path / "block.ppm"))) == want
        c.sock.close()
    finally:
        g.close()
