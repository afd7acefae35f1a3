/* What the message tests share (test_kmsg.c, test_kmsg_ool.c): two
 * spaces A and B made fresh for every test, and helpers to make ports and
 * messages and to look at a space.  finish() checks that nothing leaked:
 * no port, no allocation, no page.  Each test file includes this once (the
 * definitions are static). */
#ifndef KMSG_FIXTURE_H
#define KMSG_FIXTURE_H

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <ipc/kmsg.h>
#include <ipc/right.h>
#include <kern/errno.h>
#include <kern/page_alloc.h>
#include <machine/param.h>
#include "ipc_host_stubs.h"

static struct ipc_space *A, *B;

/* Kernel pages for out-of-line regions: the stubs' counted pages. */
#define live_pages stub_live_pages

static inline void setup(void)
{
	A = ipc_space_create();
	B = ipc_space_create();
}

static inline size_t ports_alive(void)
{
	struct ipc_stats st;
	ipc_stats(&st);
	return st.ports + st.psets;
}

static inline void finish(void)
{
	ipc_space_destroy(A);
	ipc_space_destroy(B);
	A = B = NULL;
	ipc_kmsg_cache_drain();
	ck_assert_uint_eq(ports_alive(), 0);
	ck_assert_uint_eq(stub_live_allocs, 0);
	ck_assert_uint_eq(live_pages, 0);
}

static inline mach_port_name_t new_port(struct ipc_space *s)
{
	mach_port_name_t n;
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &n), KERN_SUCCESS);
	return n;
}

static inline mach_port_type_t type_of(struct ipc_space *s, mach_port_name_t n)
{
	mach_port_type_t t = 0;
	if (ipc_space_type(s, n, &t) != KERN_SUCCESS)
		return 0;
	return t;
}

static inline mach_port_urefs_t send_refs(struct ipc_space *s, mach_port_name_t n)
{
	mach_port_urefs_t u = 0;
	if (ipc_space_get_refs(s, n, MACH_PORT_RIGHT_SEND, &u) != KERN_SUCCESS)
		return 0;
	return u;
}

/* A message of size bytes: header, then body words. */
static inline struct ipc_kmsg *msg(uint32_t size, uint32_t bits, mach_port_name_t remote,
			    mach_port_name_t local)
{
	struct ipc_kmsg *k = ipc_kmsg_alloc(size);
	ck_assert_ptr_nonnull(k);
	memset(k->msg.bytes, 0, size);
	k->msg.hdr.msgh_bits = bits;
	k->msg.hdr.msgh_size = size;
	k->msg.hdr.msgh_remote_port = remote;
	k->msg.hdr.msgh_local_port = local;
	k->msg.hdr.msgh_id = 99;
	return k;
}

static inline mach_msg_type_t *desc(struct ipc_kmsg *k, uint32_t off)
{
	return (mach_msg_type_t *)(void *)(k->msg.bytes + off);
}

static inline uint64_t *word(struct ipc_kmsg *k, uint32_t off)
{
	return (uint64_t *)(void *)(k->msg.bytes + off);
}

#endif
