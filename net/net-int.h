/* SPDX-License-Identifier: MIT */
/* Private interface between the generic net layer and its backends. */
#ifndef MACHINA_NET_INT_H
#define MACHINA_NET_INT_H

#include "machina/net.h"
#include "machina/options.h"

/* Largest frame we pass around: 64 KiB payload (GSO) plus headers. */
#define NET_MAX_FRAME (65536 + 64)

/*
 * Backend constructors.  o holds the -netdev keys except type and id;
 * each constructor rejects keys it does not know.  Return NULL after
 * printing one line.
 */
NetClient *net_user_new(const char *id, const Opts *o);
NetClient *net_tap_new(const char *id, const Opts *o);

/* Allocate and register a backend client (model "user", "tap"). */
NetClient *net_backend_alloc(const NetClientOps *ops, const char *model,
                             const char *id, void *opaque);

/* Print a backend's details for "info network" (optional). */
void net_user_info(NetClient *nc, FILE *f);
void net_tap_info(NetClient *nc, FILE *f);

/* Is key one of the NULL-terminated keys[]?  Else print and fail. */
int net_check_keys(const char *what, const Opts *o,
                   const char *const *keys);

#endif
