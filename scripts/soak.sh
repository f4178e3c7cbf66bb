#!/bin/bash
# SPDX-License-Identifier: MIT
# Soak test (`make soak`, not part of make check): Debian's riscv64 kernel
# with a busybox initramfs loops over disk I/O (1 MiB written with a flush,
# caches dropped, read back and compared, on a qcow2 image) and network
# I/O (slirp DHCP, then a 256 KiB HTTP download from the host, md5-checked)
# for SOAK_SECONDS (default 600).  Every SOAK_INTERVAL seconds (default 5)
# it samples Machina's VmRSS, its RSS without the guest RAM and TCG code
# buffer mappings ("heap RSS": the part a leak grows) and its open fds.
# It fails when, after the warm-up (SOAK_WARMUP, default a fifth of the
# run, 30..120 s): heap RSS grows more than SOAK_RSS_BOUND_MB (default 16)
# over its value at the end of the warm-up; non-socket fds ever exceed
# their warm-up maximum; the fd count stays above the warm-up maximum all
# through the last third of the run (judged with 6+ samples there) or
# ever exceeds it by 32; the guest reports a data mismatch; or Machina
# does not quit cleanly from HMP.  SOAK_VALGRIND=1 adds a valgrind
# --leak-check=full run of the same guest (reported, not judged);
# SOAK_EXTRA_ARGS adds Machina options (e.g. "-sandbox on").
# Samples go to $SOAK_LOG (default /tmp/machina-soak.csv).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${MACHINA_BUILD:-$src/build}
emu=$build/machina-system-riscv64
secs=${SOAK_SECONDS:-600}
interval=${SOAK_INTERVAL:-5}
warmup=${SOAK_WARMUP:-$((secs / 5))}
[ -n "${SOAK_WARMUP:-}" ] || {
    [ "$warmup" -lt 30 ] && warmup=30
    [ "$warmup" -gt 120 ] && warmup=120
}
bound_mb=${SOAK_RSS_BOUND_MB:-16}
log=${SOAK_LOG:-/tmp/machina-soak.csv}
ram_mb=128

die() { echo "soak: $*" >&2; exit 1; }
[ -x "$emu" ] || die "$emu is not built (make, or set MACHINA_BUILD)"
command -v qemu-img >/dev/null || die "qemu-img missing (qemu-utils)"
[ "$secs" -gt "$warmup" ] || die "SOAK_SECONDS ($secs) must exceed the warm-up ($warmup)"

work=$(mktemp -d /tmp/machina-soak.XXXXXX)
vm_pid="" http_pid=""
cleanup() {
    [ -n "$vm_pid" ] && kill "$vm_pid" 2>/dev/null || true
    [ -n "$http_pid" ] && kill "$http_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/www"
head -c 262144 /dev/urandom > "$work/www/blob"
blob_md5=$(md5sum "$work/www/blob" | cut -c1-32)

# Host HTTP server on a free port; python prints the port it bound.
python3 -u -m http.server --bind 127.0.0.1 --directory "$work/www" 0 \
    > "$work/http.log" 2>&1 &
http_pid=$!
port=""
for _ in $(seq 50); do
    port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$work/http.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || die "HTTP server did not start"

cat > "$work/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.order); do
    insmod /lib/modules/$m.ko || echo "== insmod $m failed"
done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ip link set lo up
ip link set eth0 up
port=$(sed -n 's/.*hport=\([0-9]*\).*/\1/p' /proc/cmdline)
want=$(sed -n 's/.*hmd5=\([0-9a-f]*\).*/\1/p' /proc/cmdline)
# Touch most of guest RAM once, so its pages are resident before sampling.
dd if=/dev/zero of=/tmp/fill bs=1M count=80 2>/dev/null; rm -f /tmp/fill
echo "== soak start"
n=0
while true; do
    off=$(( (n % 64) * 16 ))
    dd if=/dev/urandom of=/tmp/w bs=64k count=16 2>/dev/null
    dd if=/tmp/w of=/dev/vda bs=64k seek=$off conv=fsync,notrunc 2>/dev/null
    echo 3 > /proc/sys/vm/drop_caches
    dd if=/dev/vda of=/tmp/r bs=64k skip=$off count=16 2>/dev/null
    cmp -s /tmp/w /tmp/r || echo "== disk mismatch $n"
    udhcpc -i eth0 -n -q -t 3 -s /bin/true >/dev/null 2>&1 ||
        echo "== dhcp fail $n"
    ip addr add 10.0.2.15/24 dev eth0 2>/dev/null
    ip route add default via 10.0.2.2 2>/dev/null
    rm -f /tmp/dl
    wget -q -O /tmp/dl http://10.0.2.2:$port/blob
    [ "$(md5sum /tmp/dl 2>/dev/null | cut -c1-32)" = "$want" ] ||
        echo "== net mismatch $n"
    n=$((n + 1))
    echo "== iter $n"
done
EOF

PYTHONPATH="$src/tests/functional" python3 - "$work" <<'EOF'
import sys
import linuxboot
from linuxboot import RISCV64
work = sys.argv[1]
miss = linuxboot.missing(RISCV64.kernel, RISCV64.busybox, RISCV64.module_dir())
if miss:
    sys.exit("soak: %s missing (run scripts/fetch-images.sh)" % miss)
linuxboot.build_initramfs(work + "/rd.cpio", RISCV64,
                          ["virtio_mmio", "virtio_blk", "virtio_net"],
                          open(work + "/init").read())
EOF
kernel=$(PYTHONPATH="$src/tests/functional" python3 -c \
    'from linuxboot import RISCV64; print(RISCV64.kernel)')

qemu-img create -q -f qcow2 "$work/disk.qcow2" 256M

# Heap RSS (KiB): every mapping but the big anonymous ones (guest RAM, the
# TCG code buffer), which fill up to their size by design.
heap_rss() {
    awk -v big=$((ram_mb * 1024)) '
        /^[0-9a-f]+-[0-9a-f]+ / { anon = (NF < 6) }
        /^Size:/ { skip = anon && $2 >= big }
        /^Rss:/ { if (!skip) s += $2 }
        END { print s + 0 }' "/proc/$1/smaps"
}
vm_rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
fd_count() { ls "/proc/$1/fd" | wc -l; }
# Descriptors that are not sockets: files, pipes, eventfds, timerfds.
other_fd_count() {
    local n=0 f
    for f in /proc/$1/fd/*; do
        # An fd closed since the glob has no link: not counted.
        case $(readlink "$f" 2>/dev/null) in socket:* | "") ;; *) n=$((n + 1)) ;; esac
    done
    echo $n
}

"$emu" -M virt -m ${ram_mb}M -nographic -bios default -kernel "$kernel" \
    -initrd "$work/rd.cpio" \
    -append "console=ttyS0 panic=-1 quiet hport=$port hmd5=$blob_md5" \
    -drive file="$work/disk.qcow2",format=qcow2,if=virtio \
    -netdev user,id=n0 -device virtio-net-device,netdev=n0 \
    -monitor unix:"$work/hmp.sock",server=on,wait=off \
    ${SOAK_EXTRA_ARGS:-} \
    < /dev/null > "$work/serial.log" 2>&1 &
vm_pid=$!

for _ in $(seq 600); do
    grep -q "== soak start" "$work/serial.log" && break
    kill -0 "$vm_pid" 2>/dev/null || { cat "$work/serial.log"; die "Machina exited during boot"; }
    sleep 0.5
done
grep -q "== soak start" "$work/serial.log" || die "guest did not start"

echo "t_s,vmrss_kib,heap_rss_kib,fds,other_fds,iterations" > "$log"
start=$(date +%s)
base_heap="" warm_fd_max=0 warm_other_max=0 max_other=0 max_heap=0 max_fd=0 last_fd=0 t=0
while [ "$t" -lt "$secs" ]; do
    sleep "$interval"
    t=$(( $(date +%s) - start ))
    kill -0 "$vm_pid" 2>/dev/null || { tail -20 "$work/serial.log"; die "Machina died at ${t}s"; }
    rss=$(vm_rss "$vm_pid") heap=$(heap_rss "$vm_pid") fds=$(fd_count "$vm_pid")
    other=$(other_fd_count "$vm_pid")
    iters=$(grep -c "== iter" "$work/serial.log" || true)
    echo "$t,$rss,$heap,$fds,$other,$iters" >> "$log"
    if [ "$t" -le "$warmup" ]; then
        [ "$fds" -gt "$warm_fd_max" ] && warm_fd_max=$fds
        [ "$other" -gt "$warm_other_max" ] && warm_other_max=$other
        base_heap=$heap
        continue
    fi
    [ "$heap" -gt "$max_heap" ] && max_heap=$heap
    [ "$fds" -gt "$max_fd" ] && max_fd=$fds
    [ "$other" -gt "$max_other" ] && max_other=$other
    last_fd=$fds
done

# Quit through HMP: the normal shutdown path must still work.
python3 - "$work/hmp.sock" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"quit\n")
s.settimeout(10)
try:
    while s.recv(4096):
        pass
except OSError:
    pass
EOF
rc=0
wait "$vm_pid" || rc=$?
vm_pid=""

iters=$(grep -c "== iter" "$work/serial.log" || true)
growth=$(( (max_heap - base_heap) / 1024 ))
echo "soak: ${secs}s, ${iters} guest iterations (1 MiB disk + 256 KiB net each)"
echo "soak: heap RSS $((base_heap / 1024)) MiB after ${warmup}s warm-up, max $((max_heap / 1024)) MiB (+${growth} MiB, bound ${bound_mb})"
echo "soak: VmRSS max $(awk -F, 'NR > 1 && $2 > m { m = $2 } END { print int(m / 1024) }' "$log") MiB; fds warm-up max ${warm_fd_max}, later max ${max_fd}, last ${last_fd}; non-socket fds warm-up max ${warm_other_max}, later max ${max_other}"
echo "soak: samples in $log"

fail=0
grep "== .*mismatch\|== .*fail" "$work/serial.log" && { echo "soak: FAIL: guest reported errors"; fail=1; }
[ "$rc" -eq 0 ] || { echo "soak: FAIL: Machina exited with $rc after quit"; fail=1; }
[ "$iters" -gt 0 ] || { echo "soak: FAIL: no guest iterations"; fail=1; }
[ "$growth" -le "$bound_mb" ] || { echo "soak: FAIL: heap RSS grew ${growth} MiB"; fail=1; }
# Non-socket descriptors never change after start-up.  slirp keeps
# closed guest connections for a while, so the socket count swings with
# the traffic: a leak shows as a floor that no longer comes down, judged
# only with 6 or more samples in the last third of the run.
[ "$max_other" -le "$warm_other_max" ] ||
    { echo "soak: FAIL: non-socket fds grew"; fail=1; }
from=$((warmup + (secs - warmup) * 2 / 3))
late=$(awk -F, -v from=$from 'NR > 1 && $1 > from { n++ } END { print n + 0 }' "$log")
late_fd_min=$(awk -F, -v from=$from \
    'NR > 1 && $1 > from && (m == "" || $4 < m) { m = $4 } END { print m + 0 }' "$log")
echo "soak: fds in the last third: min ${late_fd_min} (${late} samples)"
if [ "$late" -ge 6 ] && [ "$late_fd_min" -gt "$warm_fd_max" ]; then
    echo "soak: FAIL: open fds grew"; fail=1
fi
if [ "$max_fd" -gt $((warm_fd_max + 32)) ]; then
    echo "soak: FAIL: open fds grew by more than 32"; fail=1
fi

if [ "${SOAK_VALGRIND:-0}" = 1 ] && command -v valgrind >/dev/null; then
    # The same guest under valgrind for SOAK_VALGRIND_SECONDS (default
    # 120), then HMP quit: a leak report of start-up, some guest I/O and
    # shutdown.  JIT code needs --smc-check.  Reported, not judged.
    : > "$work/serial.log"
    valgrind --leak-check=full --smc-check=all-non-file \
        --log-file="$work/valgrind.log" \
        "$emu" -M virt -m ${ram_mb}M -nographic -bios default \
        -kernel "$kernel" -initrd "$work/rd.cpio" \
        -append "console=ttyS0 panic=-1 quiet hport=$port hmd5=$blob_md5" \
        -drive file="$work/disk.qcow2",format=qcow2,if=virtio \
        -netdev user,id=n0 -device virtio-net-device,netdev=n0 \
        -monitor unix:"$work/hmp.sock",server=on,wait=off \
        < /dev/null > "$work/serial.log" 2>&1 &
    vm_pid=$!
    sleep "${SOAK_VALGRIND_SECONDS:-120}"
    python3 - "$work/hmp.sock" <<'PYEOF' || true
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"quit\n")
s.settimeout(60)
try:
    while s.recv(4096):
        pass
except OSError:
    pass
PYEOF
    wait "$vm_pid" || true
    vm_pid=""
    echo "soak: valgrind ($(grep -c '== iter' "$work/serial.log" || true) guest iterations):"
    grep -E "definitely lost|indirectly lost|possibly lost|ERROR SUMMARY" \
        "$work/valgrind.log" || tail -5 "$work/valgrind.log"
    cp "$work/valgrind.log" "${log%.csv}-valgrind.log"
fi

[ "$fail" -eq 0 ] && echo "soak: PASS"
exit "$fail"
