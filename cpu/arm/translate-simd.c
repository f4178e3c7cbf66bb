/* SPDX-License-Identifier: MIT */
/* A64 front end: Advanced SIMD (integer, FP vector, permutes, structure loads/stores). */
#include "translate.h"

const A64PatternTable a64_simd_table = { NULL, 0 };
