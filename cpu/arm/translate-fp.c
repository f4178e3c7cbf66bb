/* SPDX-License-Identifier: MIT */
/* A64 front end: scalar floating point (C4.1.90-C4.1.96 FP groups). */
#include "translate.h"

const A64PatternTable a64_fp_table = { NULL, 0 };
