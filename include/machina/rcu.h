/* SPDX-License-Identifier: MIT */
/*
 * Read-copy-update: lock-free readers of shared data that writers replace
 * wholesale (the memory API's FlatViews), with the old copy freed only
 * after every reader that could still see it has left its read section.
 *
 * Readers bracket each use with rcu_read_lock()/rcu_read_unlock() (they
 * nest and never block; on Linux hosts with membarrier(2) they cost a few
 * plain loads and stores, elsewhere one full memory barrier at the
 * outermost lock; the reclaimer pays instead).  A thread registers itself on its first rcu_read_lock() and is
 * forgotten when it exits.  Writers publish the new copy with an atomic
 * store, then hand the old one to call_rcu(), which never waits: the
 * callback runs once the grace period is over, from a later call_rcu(),
 * rcu_reclaim() or the main loop, in whichever thread gets there.
 * Callbacks must only free memory (no locks, no device code).
 *
 * Rules for read sections (docs/devel/memory.md, "Freeing old views"):
 * short (nothing waits for a reader, but a long section delays every
 * free), and never left by siglongjmp (the TCG loop repairs that, see
 * rcu_read_reset()).
 */
#ifndef MACHINA_RCU_H
#define MACHINA_RCU_H

#include "machina/common.h"

void rcu_read_lock(void);
void rcu_read_unlock(void);
/* Is this thread inside a read section? */
bool rcu_read_locked(void);
/*
 * Leave every read section of this thread at once; returns how deep it
 * was.  Only for a siglongjmp landing point that no section encloses.
 */
int rcu_read_reset(void);

typedef void RcuFunc(void *p);
/*
 * Run fn(p) once no reader can still hold a pointer that was reachable
 * before this call (p must already be unreachable for new readers).
 */
void call_rcu(void *p, RcuFunc *fn);
/* Run the callbacks whose grace period is over; returns how many wait. */
unsigned rcu_reclaim(void);

#endif
