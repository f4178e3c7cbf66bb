/* SPDX-License-Identifier: MIT */
/* The fake client fd of fuzz-wrap.c (link with its --wrap flags). */
#ifndef TESTS_FUZZ_FUZZ_WRAP_H
#define TESTS_FUZZ_FUZZ_WRAP_H

#include <stdio.h>

/* send() on this fd succeeds without writing anything. */
extern int fz_client_fd;

#endif
