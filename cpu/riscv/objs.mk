# Objects of cpu/riscv/, one per line.
