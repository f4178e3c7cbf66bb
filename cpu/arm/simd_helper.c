/* SPDX-License-Identifier: MIT */
/* (being written) */
#include "cpu.h"
