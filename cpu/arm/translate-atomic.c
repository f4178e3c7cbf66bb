/* SPDX-License-Identifier: MIT */
/* A64 front end: LSE atomics, CAS/CASP, LDXP/STXP, CRC32 and the crypto extension. */
#include "translate.h"

const A64PatternTable a64_atomic_table = { NULL, 0 };
