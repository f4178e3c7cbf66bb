#!/bin/bash
# SPDX-License-Identifier: MIT
# Run one bare-metal test ELF: run-test.sh EMULATOR TEST.elf [TIMEOUT]
# Prints the guest's output; exit status is the guest's (124 = timeout).
emu=$1 elf=$2 tmo=${3:-30}
# QEMU 8+ may try to load audio modules from another build; keep it quiet.
extra=()
case "$("$emu" --version 2>/dev/null | head -n1)" in
*"QEMU emulator version "[1-9][0-9].* | *"QEMU emulator version "[89].*)
    extra=(-audio none) ;;
esac
exec timeout -k 5 "$tmo" "$emu" -M virt -m 128M -bios none -nographic \
    "${extra[@]}" -no-reboot -kernel "$elf" </dev/null
