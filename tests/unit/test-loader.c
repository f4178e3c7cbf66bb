/* SPDX-License-Identifier: MIT */
/* Unit tests for the image loaders: ELF checks, gzip, raw images. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>
#include "machina/loader.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000ULL

static MemoryRegion root, ram, rom;
static AddressSpace as;

static int setup_as(void **state UNUSED)
{
    static bool done;

    if (!done) {
        memory_region_init_container(&root, "root", UINT64_MAX);
        address_space_init(&as, &root, "test-loader");
        memory_region_init_ram(&ram, "ram", RAM_SIZE);
        memory_region_init_rom(&rom, "rom", 0x1000);
        memory_region_add_subregion(&root, RAM_BASE, &ram);
        memory_region_add_subregion(&root, 0x1000, &rom);
        done = true;
    }
    memset(ram.ram, 0xee, RAM_SIZE);
    memset(rom.ram, 0, 0x1000);
    return 0;
}

/* An ELF with two PT_LOAD segments: code (4 bytes) and .bss (16). */
typedef struct TestElf {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[2];
    uint8_t code[4];
} TestElf;

static void make_elf(TestElf *e, hwaddr paddr)
{
    memset(e, 0, sizeof(*e));
    memcpy(e->eh.e_ident, ELFMAG, SELFMAG);
    e->eh.e_ident[EI_CLASS] = ELFCLASS64;
    e->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    e->eh.e_ident[EI_VERSION] = EV_CURRENT;
    e->eh.e_type = ET_EXEC;
    e->eh.e_machine = EM_RISCV;
    e->eh.e_version = EV_CURRENT;
    e->eh.e_entry = paddr;
    e->eh.e_phoff = offsetof(TestElf, ph);
    e->eh.e_ehsize = sizeof(Elf64_Ehdr);
    e->eh.e_phentsize = sizeof(Elf64_Phdr);
    e->eh.e_phnum = 2;
    e->ph[0].p_type = PT_LOAD;
    e->ph[0].p_offset = offsetof(TestElf, code);
    e->ph[0].p_paddr = e->ph[0].p_vaddr = paddr;
    e->ph[0].p_filesz = e->ph[0].p_memsz = 4;
    e->ph[1].p_type = PT_LOAD;
    e->ph[1].p_paddr = e->ph[1].p_vaddr = paddr + 0x100;
    e->ph[1].p_filesz = 0;
    e->ph[1].p_memsz = 16;
    e->code[0] = 0x13;      /* nop */
}

static void test_elf_ok(void **state UNUSED)
{
    TestElf e;
    ElfInfo info;

    make_elf(&e, RAM_BASE + 0x1000);
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, sizeof(e), EM_RISCV,
                                  &info), 0);
    assert_int_equal(info.entry, RAM_BASE + 0x1000);
    assert_int_equal(info.low, RAM_BASE + 0x1000);
    assert_int_equal(info.high, RAM_BASE + 0x1110);
    assert_int_equal(info.machine, EM_RISCV);
    assert_int_equal(ram.ram[0x1000], 0x13);
    /* .bss is cleared, bytes after it untouched. */
    assert_int_equal(ram.ram[0x1100], 0);
    assert_int_equal(ram.ram[0x110f], 0);
    assert_int_equal(ram.ram[0x1110], 0xee);

    /* ROM is a valid load target too. */
    make_elf(&e, 0x1000);
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, sizeof(e), 0, &info),
                     0);
    assert_int_equal(rom.ram[0], 0x13);
}

static void test_elf_outside_ram(void **state UNUSED)
{
    TestElf e;
    ElfInfo info;

    /* Entirely unmapped. */
    make_elf(&e, 0x40000000);
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, sizeof(e), EM_RISCV,
                                  &info), -EFAULT);
    /* Code fits, but .bss runs past the end of RAM: nothing written. */
    make_elf(&e, RAM_BASE + RAM_SIZE - 0x104);
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, sizeof(e), EM_RISCV,
                                  &info), -EFAULT);
    assert_int_equal(ram.ram[RAM_SIZE - 0x104], 0xee);
    /* Segment straddling RAM's start. */
    make_elf(&e, RAM_BASE - 2);
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, sizeof(e), EM_RISCV,
                                  &info), -EFAULT);
    /* Address + size wrapping around 2^64. */
    make_elf(&e, RAM_BASE);
    e.ph[1].p_paddr = UINT64_MAX - 4;
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, sizeof(e), EM_RISCV,
                                  &info), -EFAULT);
}

static void test_elf_truncated_and_bad(void **state UNUSED)
{
    TestElf e;
    ElfInfo info;

    make_elf(&e, RAM_BASE);
    /* Cut inside the segment data. */
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e,
                                  offsetof(TestElf, code) + 2,
                                  EM_RISCV, &info), -ENOEXEC);
    /* Cut inside the program headers. */
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e,
                                  offsetof(TestElf, ph) + 8, EM_RISCV,
                                  &info), -ENOEXEC);
    /* Shorter than the ELF header. */
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, 10, EM_RISCV, &info),
                     -ENOEXEC);
    /* Segment offset beyond the file, and huge offsets that overflow. */
    e.ph[0].p_offset = sizeof(e) + 1;
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, sizeof(e), EM_RISCV,
                                  &info), -ENOEXEC);
    e.ph[0].p_offset = UINT64_MAX - 1;
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, sizeof(e), EM_RISCV,
                                  &info), -ENOEXEC);
    /* filesz > memsz. */
    make_elf(&e, RAM_BASE);
    e.ph[0].p_memsz = 2;
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, sizeof(e), EM_RISCV,
                                  &info), -ENOEXEC);
    /* phnum * phentsize beyond the file. */
    make_elf(&e, RAM_BASE);
    e.eh.e_phnum = 0xffff;
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, sizeof(e), EM_RISCV,
                                  &info), -ENOEXEC);
    /* Wrong machine, class, and not an ELF at all. */
    make_elf(&e, RAM_BASE);
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, sizeof(e), EM_AARCH64,
                                  &info), -ENOEXEC);
    e.eh.e_ident[EI_CLASS] = ELFCLASS32;
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, sizeof(e), EM_RISCV,
                                  &info), -ENOEXEC);
    memset(&e, 0, sizeof(e));
    assert_int_equal(load_elf_buf(&as, (uint8_t *)&e, sizeof(e), EM_RISCV,
                                  &info), -ENOEXEC);
    /* Nothing of the above reached guest memory. */
    assert_int_equal(ram.ram[0], 0xee);
}

static void test_load_file_gzip_and_image(void **state UNUSED)
{
    char plain[] = "/tmp/machina-test-loader-XXXXXX";
    char gz[] = "/tmp/machina-test-loader-gz-XXXXXX";
    uint8_t data[3000], *buf;
    size_t size;
    int fd;
    gzFile g;

    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(i * 7);
    }
    fd = mkstemp(plain);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, sizeof(data)), sizeof(data));
    close(fd);
    fd = mkstemp(gz);
    assert_true(fd >= 0);
    g = gzdopen(fd, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, data, sizeof(data)), sizeof(data));
    gzclose(g);

    assert_int_equal(load_file(plain, &buf, &size), 0);
    assert_int_equal(size, sizeof(data));
    assert_memory_equal(buf, data, sizeof(data));
    free(buf);
    assert_int_equal(load_file(gz, &buf, &size), 0);
    assert_int_equal(size, sizeof(data));
    assert_memory_equal(buf, data, sizeof(data));
    free(buf);
    assert_int_equal(load_file("/nonexistent/file", &buf, &size), -ENOENT);

    /* Raw images: placed, size-limited and bounds-checked. */
    assert_int_equal(load_image(&as, gz, RAM_BASE + 0x100, RAM_SIZE),
                     sizeof(data));
    assert_memory_equal(ram.ram + 0x100, data, sizeof(data));
    assert_int_equal(load_image(&as, plain, RAM_BASE, 100), -E2BIG);
    assert_int_equal(load_image(&as, plain, RAM_BASE + RAM_SIZE - 100,
                                RAM_SIZE), -EFAULT);
    assert_int_equal(load_image(&as, plain, 0x20000, RAM_SIZE), -EFAULT);
    unlink(plain);
    unlink(gz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_elf_ok, setup_as),
        cmocka_unit_test_setup(test_elf_outside_ram, setup_as),
        cmocka_unit_test_setup(test_elf_truncated_and_bad, setup_as),
        cmocka_unit_test_setup(test_load_file_gzip_and_image, setup_as),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
