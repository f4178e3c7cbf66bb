# Objects of tests/unit/, one per line.
unit-tests += test-riscv-mmu
unit-tests += test-hw-devices
unit-tests += test-tb-tlb
unit-tests += test-riscv-decode
unit-tests += test-riscv-fpu
unit-tests += test-tb-exec
unit-tests += test-tcg-encoder
unit-tests += test-tcg-optimize
unit-tests += test-tcg-exec
unit-tests += test-memory
unit-tests += test-options
unit-tests += test-loader
unit-tests += test-riscv-disas
unit-tests += test-virtqueue
unit-tests += test-net
unit-tests += test-pci
unit-tests += test-e1000
