/* SPDX-License-Identifier: MIT */
/* Bare-metal virtio-gpu driver (virtio-mmio): draws a known pattern. */

/*
 * Run with -device virtio-gpu-device.  Finds the GPU on any virtio-mmio
 * slot, checks a few error responses, then shows a 320x200 B8G8R8X8
 * resource: eight colour bars in the top half, a gradient below (the
 * functional test computes the same pixels).  Prints READY and waits for
 * 'q' on the UART, then powers off; 'c' first sets a 64x64 cursor (a
 * 16x16 opaque red square, the rest transparent, hot spot (3, 5)) at
 * (40, 30) through the cursor queue and prints CURSOR.  For `make bench`:
 * 'w' idles in WFI for good (nothing enabled wakes it); 'f' redraws a
 * 1024x768 resource (every pixel, transfer, flush) for 5 s of mtime and
 * prints "FPS <frames> <ticks>" (10 MHz ticks).
 */
#include "lib.h"
#include "virtio-mmio.h"

#define VMMIO_FIRST     0x10001000UL
#define VMMIO_STRIDE    0x1000UL
#define VMMIO_COUNT     8

#define QSZ             8

#define GPU_ID          16
#define W               320
#define H               200

enum {
    CMD_GET_DISPLAY_INFO = 0x0100,
    CMD_RESOURCE_CREATE_2D = 0x0101,
    CMD_RESOURCE_UNREF = 0x0102,
    CMD_SET_SCANOUT = 0x0103,
    CMD_RESOURCE_FLUSH = 0x0104,
    CMD_TRANSFER_TO_HOST_2D = 0x0105,
    CMD_RESOURCE_ATTACH_BACKING = 0x0106,
    CMD_RESOURCE_DETACH_BACKING = 0x0107,
    RESP_OK_NODATA = 0x1100,
    RESP_OK_DISPLAY_INFO = 0x1101,
};
#define FMT_B8G8R8A8    1
#define FMT_B8G8R8X8    2
#define CMD_UPDATE_CURSOR 0x0300
#define CUR             64
#define FLAG_FENCE      1

struct hdr {
    uint32_t type, flags;
    uint64_t fence_id;
    uint32_t ctx_id, padding;
};

struct rect {
    uint32_t x, y, w, h;
};

static struct desc ring_desc[QSZ] __attribute__((aligned(4096)));
static volatile uint16_t ring_avail[3 + QSZ] __attribute__((aligned(4096)));
static volatile uint32_t ring_used[1 + 2 * QSZ + 1]
    __attribute__((aligned(4096)));
static uint32_t fb[W * H] __attribute__((aligned(4096)));
/* The cursor queue (1) and image. */
static struct desc cq_desc[QSZ] __attribute__((aligned(4096)));
static volatile uint16_t cq_avail[3 + QSZ] __attribute__((aligned(4096)));
static volatile uint32_t cq_used[1 + 2 * QSZ + 1]
    __attribute__((aligned(4096)));
static uint32_t cursor_img[CUR * CUR] __attribute__((aligned(4096)));
#define BW              1024
#define BH              768
#define MTIME           0x0200bff8UL
static uint32_t big[BW * BH] __attribute__((aligned(4096)));
static uint8_t req[128] __attribute__((aligned(64)));
static uint8_t resp[512] __attribute__((aligned(64)));
static unsigned long base;

static uint32_t rd(unsigned long off)
{
    return vm_rd(base, off);
}

static void wr(unsigned long off, uint32_t v)
{
    vm_wr(base, off, v);
}

static void fence(void)
{
    __asm__ volatile("fence rw, rw" ::: "memory");
}

static int find_gpu(void)
{
    for (int i = VMMIO_COUNT - 1; i >= 0; i--) {
        base = VMMIO_FIRST + i * VMMIO_STRIDE;
        if (rd(VM_MAGIC) == VM_MAGIC_VALUE && rd(VM_DEVICE_ID) == GPU_ID) {
            return 1;
        }
    }
    return 0;
}

static void dev_setup(void)
{
    vm_negotiate(base, 0);
    vm_queue_setup(base, 0, QSZ, (unsigned long)ring_desc,
                   (unsigned long)ring_avail, (unsigned long)ring_used);
    vm_queue_setup(base, 1, QSZ, (unsigned long)cq_desc,
                   (unsigned long)cq_avail, (unsigned long)cq_used);
    vm_driver_ok(base);
}

/* Send req[0..len) and wait for the response; returns the response type. */
static uint32_t submit(uint32_t len, uint32_t resp_len)
{
    uint16_t idx = ring_avail[1];

    memset(resp, 0, sizeof(resp));
    ring_desc[0] = (struct desc){ (unsigned long)req, len, F_NEXT, 1 };
    ring_desc[1] = (struct desc){ (unsigned long)resp, resp_len, F_WRITE, 0 };
    ring_avail[2 + idx % QSZ] = 0;
    fence();
    ring_avail[1] = idx + 1;
    fence();
    wr(VM_QUEUE_NOTIFY, 0);
    for (;;) {
        fence();
        if ((uint16_t)(ring_used[0] >> 16) == (uint16_t)(idx + 1)) {
            break;
        }
    }
    return ((struct hdr *)resp)->type;
}

static struct hdr *cmd(uint32_t type)
{
    struct hdr *h = (struct hdr *)req;

    memset(req, 0, sizeof(req));
    h->type = type;
    return h;
}

static uint32_t *args(void)
{
    return (uint32_t *)(req + sizeof(struct hdr));
}

static uint32_t create_2d(uint32_t id, uint32_t fmt, uint32_t w, uint32_t h)
{
    uint32_t *a = args();

    cmd(CMD_RESOURCE_CREATE_2D);
    a[0] = id;
    a[1] = fmt;
    a[2] = w;
    a[3] = h;
    return submit(sizeof(struct hdr) + 16, sizeof(struct hdr));
}

static uint32_t attach(uint32_t id, uint64_t a0, uint32_t l0, uint64_t a1,
                       uint32_t l1)
{
    uint32_t *a = args();

    cmd(CMD_RESOURCE_ATTACH_BACKING);
    a[0] = id;
    a[1] = l1 ? 2 : 1;
    *(uint64_t *)&a[2] = a0;
    a[4] = l0;
    a[5] = 0;
    *(uint64_t *)&a[6] = a1;
    a[8] = l1;
    a[9] = 0;
    return submit(sizeof(struct hdr) + 8 + 16 * a[1], sizeof(struct hdr));
}

static uint32_t rect_cmd(uint32_t type, uint32_t id, uint32_t extra)
{
    uint32_t *a = args();
    struct rect *r = (struct rect *)a;

    cmd(type);
    *r = (struct rect){ 0, 0, W, H };
    if (type == CMD_SET_SCANOUT) {
        a[4] = extra;           /* scanout id */
        a[5] = id;
        return submit(sizeof(struct hdr) + 24, sizeof(struct hdr));
    }
    if (type == CMD_TRANSFER_TO_HOST_2D) {
        *(uint64_t *)&a[4] = 0; /* offset */
        a[6] = id;
        return submit(sizeof(struct hdr) + 32, sizeof(struct hdr));
    }
    a[4] = id;                  /* flush */
    return submit(sizeof(struct hdr) + 24, sizeof(struct hdr));
}

static const uint32_t bars[8] = {
    0xffffff, 0xffff00, 0x00ffff, 0x00ff00,
    0xff00ff, 0xff0000, 0x0000ff, 0x000000,
};

/* The pattern, as x8r8g8b8 (what B8G8R8X8 is in a little-endian word). */
static void draw(void)
{
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            uint32_t v;

            if (y < H / 2) {
                v = bars[x * 8 / W];
            } else {
                uint32_t r = x * 255 / (W - 1);
                uint32_t g = (y - H / 2) * 255 / (H / 2 - 1);
                uint32_t b = (x ^ y) & 0xff;

                v = (r << 16) | (g << 8) | b;
            }
            fb[y * W + x] = v;
        }
    }
}

/* req[0..len) on the cursor queue (no response), waited for. */
static void submit_cursor(uint32_t len)
{
    uint16_t idx = cq_avail[1];

    cq_desc[0] = (struct desc){ (unsigned long)req, len, 0, 0 };
    cq_avail[2 + idx % QSZ] = 0;
    fence();
    cq_avail[1] = idx + 1;
    fence();
    wr(VM_QUEUE_NOTIFY, 1);
    for (;;) {
        fence();
        if ((uint16_t)(cq_used[0] >> 16) == (uint16_t)(idx + 1)) {
            break;
        }
    }
}

static void set_cursor(void)
{
    uint32_t *a = args();

    for (int y = 0; y < CUR; y++) {
        for (int x = 0; x < CUR; x++) {
            cursor_img[y * CUR + x] = x < 16 && y < 16 ? 0xffff0000 : 0;
        }
    }
    CHECK_EQ(create_2d(2, FMT_B8G8R8A8, CUR, CUR), RESP_OK_NODATA);
    CHECK_EQ(attach(2, (unsigned long)cursor_img, sizeof(cursor_img), 0, 0),
             RESP_OK_NODATA);
    cmd(CMD_TRANSFER_TO_HOST_2D);
    *(struct rect *)a = (struct rect){ 0, 0, CUR, CUR };
    a[6] = 2;
    CHECK_EQ(submit(sizeof(struct hdr) + 32, sizeof(struct hdr)),
             RESP_OK_NODATA);
    cmd(CMD_UPDATE_CURSOR);
    a[0] = 0;                   /* scanout */
    a[1] = 40;                  /* x, y */
    a[2] = 30;
    a[4] = 2;                   /* resource */
    a[5] = 3;                   /* hot spot */
    a[6] = 5;
    submit_cursor(sizeof(struct hdr) + 32);
    puts_("CURSOR\n");
}

static void fps_loop(void)
{
    uint32_t *a = args();
    uint64_t t0, t;
    uint32_t frames = 0;

    CHECK_EQ(create_2d(3, FMT_B8G8R8X8, BW, BH), RESP_OK_NODATA);
    CHECK_EQ(attach(3, (unsigned long)big, sizeof(big), 0, 0),
             RESP_OK_NODATA);
    cmd(CMD_SET_SCANOUT);
    *(struct rect *)a = (struct rect){ 0, 0, BW, BH };
    a[4] = 0;
    a[5] = 3;
    CHECK_EQ(submit(sizeof(struct hdr) + 24, sizeof(struct hdr)),
             RESP_OK_NODATA);
    t0 = mmio_read64(MTIME);
    do {
        uint32_t v = (frames * 0x030507u) & 0xffffff;

        for (int i = 0; i < BW * BH; i++) {
            big[i] = v + i;
        }
        cmd(CMD_TRANSFER_TO_HOST_2D);
        *(struct rect *)a = (struct rect){ 0, 0, BW, BH };
        *(uint64_t *)&a[4] = 0;
        a[6] = 3;
        submit(sizeof(struct hdr) + 32, sizeof(struct hdr));
        cmd(CMD_RESOURCE_FLUSH);
        *(struct rect *)a = (struct rect){ 0, 0, BW, BH };
        a[4] = 3;
        submit(sizeof(struct hdr) + 24, sizeof(struct hdr));
        frames++;
        t = mmio_read64(MTIME);
    } while (t - t0 < 50000000);
    printf("FPS %u %lu\n", frames, (unsigned long)(t - t0));
}

static int uart_getc(void)
{
    if (mmio_read8(UART_BASE + 5) & 1) {
        return mmio_read8(UART_BASE);
    }
    return -1;
}

int main(void)
{
    struct hdr *h;
    uint32_t t;

    CHECK(find_gpu());
    dev_setup();

    cmd(CMD_GET_DISPLAY_INFO);
    t = submit(sizeof(struct hdr), 24 + 16 * 24);
    CHECK_EQ(t, RESP_OK_DISPLAY_INFO);
    /* pmodes[0]: rect at 24, enabled at 40 */
    CHECK_EQ(*(uint32_t *)(resp + 40), 1);
    printf("display 0: %ux%u\n", *(uint32_t *)(resp + 32),
           *(uint32_t *)(resp + 36));

    /* Errors a driver can provoke; each must be answered, not fatal. */
    printf("create id 0: 0x%x\n", create_2d(0, FMT_B8G8R8X8, W, H));
    printf("create bad format: 0x%x\n", create_2d(7, 999, W, H));
    printf("flush unknown: 0x%x\n", rect_cmd(CMD_RESOURCE_FLUSH, 42, 0));
    printf("scanout 9: 0x%x\n", rect_cmd(CMD_SET_SCANOUT, 1, 9));

    printf("create 16384x16384: 0x%x\n",
           create_2d(3, FMT_B8G8R8X8, 16384, 16384));
    cmd(0x999);
    printf("unknown command: 0x%x\n",
           submit(sizeof(struct hdr), sizeof(struct hdr)));
    cmd(CMD_RESOURCE_CREATE_2D);
    /* QEMU 7.2 logs the short command but answers OK_NODATA. */
    printf("differs from qemu: truncated create: 0x%x\n",
           submit(sizeof(struct hdr) + 4, sizeof(struct hdr)));

    draw();
    CHECK_EQ(create_2d(1, FMT_B8G8R8X8, W, H), RESP_OK_NODATA);
    /* Attach then detach: the resource can take new backing after. */
    CHECK_EQ(attach(1, (unsigned long)fb, 4096, 0, 0), RESP_OK_NODATA);
    cmd(CMD_RESOURCE_DETACH_BACKING);
    args()[0] = 1;
    CHECK_EQ(submit(sizeof(struct hdr) + 8, sizeof(struct hdr)),
             RESP_OK_NODATA);
    {
        uint32_t *a = args();

        cmd(CMD_RESOURCE_ATTACH_BACKING);
        a[0] = 1;
        a[1] = 100000;
        printf("attach 100000 entries: 0x%x\n",
               submit(sizeof(struct hdr) + 8 + 16, sizeof(struct hdr)));
    }
    printf("create dup: 0x%x\n", create_2d(1, FMT_B8G8R8X8, W, H));
    /*
     * Backing outside guest RAM: Machina refuses it (ERR_UNSPEC); QEMU
     * accepts it (bounce buffer), so the line is marked as a known
     * difference and resource 2 is used and dropped.
     */
    CHECK_EQ(create_2d(2, FMT_B8G8R8X8, 16, 16), RESP_OK_NODATA);
    printf("differs from qemu: attach outside RAM: 0x%x\n",
           attach(2, 0x7f0000000UL, 4096, 0, 0));
    cmd(CMD_RESOURCE_UNREF)->flags = 0;
    args()[0] = 2;
    CHECK_EQ(submit(sizeof(struct hdr) + 8, sizeof(struct hdr)),
             RESP_OK_NODATA);
    /* Two scatter entries; the split is not on a row boundary. */
    CHECK_EQ(attach(1, (unsigned long)fb, 100000,
                    (unsigned long)fb + 100000, sizeof(fb) - 100000),
             RESP_OK_NODATA);
    CHECK_EQ(rect_cmd(CMD_SET_SCANOUT, 1, 0), RESP_OK_NODATA);
    CHECK_EQ(rect_cmd(CMD_TRANSFER_TO_HOST_2D, 1, 0), RESP_OK_NODATA);
    {
        uint32_t *a = args();

        /* x + width wraps around in 32 bits */
        cmd(CMD_TRANSFER_TO_HOST_2D);
        *(struct rect *)a = (struct rect){ 0xfffffff0u, 0, 0x20, 1 };
        a[6] = 1;
        printf("transfer wrapping rect: 0x%x\n",
               submit(sizeof(struct hdr) + 32, sizeof(struct hdr)));
    }

    /* A fenced flush: the fence id comes back with the FENCE flag. */
    h = cmd(CMD_RESOURCE_FLUSH);
    h->flags = FLAG_FENCE;
    h->fence_id = 0x1234;
    *(struct rect *)args() = (struct rect){ 0, 0, W, H };
    args()[4] = 1;
    t = submit(sizeof(struct hdr) + 24, sizeof(struct hdr));
    h = (struct hdr *)resp;
    printf("fenced flush: 0x%x flags %u fence 0x%lx\n", t, h->flags,
           (unsigned long)h->fence_id);

    puts_("READY\n");
    for (;;) {
        int c = uart_getc();

        if (c == 'q') {
            break;
        }
        if (c == 'c') {
            set_cursor();
        }
        if (c == 'f') {
            fps_loop();
        }
        if (c == 'w') {
            puts_("IDLE\n");
            for (;;) {
                __asm__ volatile("wfi");
            }
        }
    }
    puts_("BYE\n");
    rt_exit(0);
}
