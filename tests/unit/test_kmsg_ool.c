/* Host tests for out-of-line data in messages (src/ipc/kmsg.c): regions
 * and port arrays fetched from the sender, all-or-nothing port copyin,
 * copyout into fresh memory, no room in the receiver, destruction in
 * transit, and the detached regions kernel routines build replies with
 * (ipc_ool_*, ipc_kmsg_adopt_ool, ipc_kmsg_unlink_ool). */
#include "kmsg_fixture.h"

/* --- out-of-line ---------------------------------------------------------- */

/* "User memory" is host memory; a read of [bad, bad + 4096) faults. */
static uintptr_t bad_addr;

static int host_read(void *ctx, void *dst, uintptr_t src, size_t len)
{
	(void)ctx;
	if (bad_addr && src < bad_addr + 4096 && src + len > bad_addr)
		return -1;
	memcpy(dst, (const void *)src, len);
	return 0;
}

/* The receiver's memory: malloc, or nothing when full. */
static bool sink_full;
static size_t sink_live;

static int host_alloc(void *ctx, uint64_t size, uintptr_t *addr)
{
	(void)ctx;
	if (sink_full)
		return -1;
	void *p = malloc(size);
	if (p == NULL)
		return -1;
	sink_live++;
	*addr = (uintptr_t)p;
	return 0;
}

static int host_write(void *ctx, uintptr_t addr, const void *src, size_t len)
{
	(void)ctx;
	memcpy((void *)addr, src, len);
	return 0;
}

static void host_dealloc(void *ctx, uintptr_t addr, uint64_t size)
{
	(void)ctx;
	(void)size;
	sink_live--;
	free((void *)addr);
}

static const struct ipc_ool_sink host_sink = { host_alloc, host_write, host_dealloc, NULL };

static void sink_free(uintptr_t addr)
{
	host_dealloc(NULL, addr, 0);
}

/* A complex message to p (MAKE_SEND) with one OOL descriptor at 32. */
static struct ipc_kmsg *ool_msg(mach_port_name_t p, uint32_t word_, uint32_t number, const void *addr)
{
	struct ipc_kmsg *k = msg(48, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) |
				     MACH_MSGH_BITS_COMPLEX, p, 0);
	desc(k, 32)->word = word_;
	desc(k, 32)->number = number;
	*word(k, 40) = (uint64_t)(uintptr_t)addr;
	return k;
}

static mach_msg_return_t send_ool(struct ipc_kmsg *k)
{
	mach_msg_return_t mr = ipc_kmsg_copyin_ool(k, host_read, NULL);
	if (mr == MACH_MSG_SUCCESS)
		mr = ipc_kmsg_copyin(A, k);
	return mr;
}

START_TEST(test_ool_data)
{
	mach_port_name_t p = new_port(A);
	size_t n = 3 * 4096 + 123;
	uint8_t *src = malloc(n);
	for (size_t i = 0; i < n; i++)
		src[i] = (uint8_t)(i * 7 + (i >> 12) * 29 + 1);
	struct ipc_kmsg *k = ool_msg(p, MSGT_WORD(9 /* BYTE */, 8, false) | MSGT_DEALLOCATE,
				     (uint32_t)n, src);
	ck_assert_int_eq(send_ool(k), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(live_pages, 4);
	struct ipc_ool *ool = (struct ipc_ool *)(uintptr_t)*word(k, 40);
	ck_assert(ool->dealloc);
	ck_assert_uint_eq(ool->uaddr, (uintptr_t)src);
	/* The kernel holds a copy: the sender may change its bytes now. */
	memset(src, 0, n);
	ck_assert_int_eq(ipc_kmsg_copyout(A, k, false), MACH_MSG_SUCCESS);
	ck_assert_int_eq(ipc_kmsg_copyout_ool(k, &host_sink), MACH_MSG_SUCCESS);
	uint8_t *got = (uint8_t *)(uintptr_t)*word(k, 40);
	ck_assert_ptr_nonnull(got);
	ck_assert_ptr_ne(got, src);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(got[i], (uint8_t)(i * 7 + (i >> 12) * 29 + 1));
	sink_free((uintptr_t)got);
	ipc_kmsg_free(k);
	free(src);

	/* An empty region is a null address and no pages. */
	k = ool_msg(p, MSGT_WORD(9, 8, false), 0, (void *)0x1234);
	ck_assert_int_eq(send_ool(k), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(*word(k, 40), 0);
	ck_assert_int_eq(ipc_kmsg_copyout(A, k, false), MACH_MSG_SUCCESS);
	ck_assert_int_eq(ipc_kmsg_copyout_ool(k, &host_sink), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(*word(k, 40), 0);
	ipc_kmsg_free(k);
	ck_assert_uint_eq(sink_live, 0);
	finish();
}
END_TEST

START_TEST(test_ool_errors)
{
	mach_port_name_t p = new_port(A), q = new_port(A);
	ck_assert_int_eq(ipc_space_insert_right(A, p, A, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	static uint8_t page[3 * 4096];
	uint32_t names[2] = { q, q };
	bad_addr = (uintptr_t)page + 4096;
	struct { uint32_t word, number; const void *addr; mach_msg_return_t want; } cases[] = {
		/* A region that runs into unreadable memory. */
		{ MSGT_WORD(9, 8, false), 4097, page, MACH_SEND_INVALID_MEMORY },
		{ MSGT_WORD(9, 8, false), 1, page + 4096 + 8, MACH_SEND_INVALID_MEMORY },
		{ MSGT_WORD(MACH_MSG_TYPE_COPY_SEND, 32, false), 2, page + 4096, MACH_SEND_INVALID_MEMORY },
		/* Port arrays take 4- or 8-byte names only. */
		{ MSGT_WORD(MACH_MSG_TYPE_COPY_SEND, 16, false), 2, names, MACH_SEND_INVALID_TYPE },
		{ MSGT_WORD(MACH_MSG_TYPE_COPY_SEND, 8, false), 2, names, MACH_SEND_INVALID_TYPE },
		{ MSGT_WORD(24, 8, false), 1, page, MACH_SEND_INVALID_TYPE },
		/* Past the per-message limit: no kernel buffer for it. */
		{ MSGT_WORD(9, 0xffff, false), 0xffffffff, page, MACH_SEND_NO_BUFFER },
		{ MSGT_WORD(9, 8, false), (uint32_t)(IPC_KMSG_OOL_MAX + 1), page, MACH_SEND_NO_BUFFER },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ipc_kmsg *k = msg(48, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0) |
					     MACH_MSGH_BITS_COMPLEX, p, 0);
		desc(k, 32)->word = cases[i].word | MSGT_DEALLOCATE;
		desc(k, 32)->number = cases[i].number;
		*word(k, 40) = (uint64_t)(uintptr_t)cases[i].addr;
		mach_msg_return_t mr = send_ool(k);
		ck_assert_msg(mr == cases[i].want, "case %zu: %x", i, mr);
		ipc_kmsg_free(k);
		ck_assert_uint_eq(live_pages, 0);
		if (mr == MACH_SEND_INVALID_TYPE) {
			/* A bad descriptor is a body error: the header's
			 * rights go with the message (GNU Mach's rule). */
			ck_assert_uint_eq(send_refs(A, p), 0);
			ck_assert_int_eq(ipc_space_insert_right(A, p, A, p, MACH_MSG_TYPE_MAKE_SEND),
					 KERN_SUCCESS);
		} else {
			/* Unreadable or too much memory: nothing consumed. */
			ck_assert_uint_eq(send_refs(A, p), 1);
		}
	}
	bad_addr = 0;
	/* A kmsg whose OOL word was never fetched is refused, not followed. */
	struct ipc_kmsg *k = ool_msg(p, MSGT_WORD(9, 8, false), 8, page);
	ck_assert_int_eq(ipc_kmsg_copyin(A, k), MACH_SEND_INVALID_TYPE);
	ipc_kmsg_free(k);
	finish();
}
END_TEST

/* A port array comes in all or nothing and goes out as names. */
START_TEST(test_ool_ports)
{
	mach_port_name_t p = new_port(A), q = new_port(A);
	struct ipc_port *port_q = (struct ipc_port *)ipc_entry_lookup(A, q)->object;

	/* A bad name third: the two rights made before it are undone. */
	uint32_t bad[3] = { q, q, 0x777 };
	struct ipc_kmsg *k = ool_msg(p, MSGT_WORD(MACH_MSG_TYPE_MAKE_SEND, 32, false), 3, bad);
	ck_assert_int_eq(send_ool(k), MACH_SEND_INVALID_RIGHT);
	ipc_kmsg_free(k);
	ck_assert_uint_eq(port_q->srights, 0);
	ck_assert_uint_eq(type_of(A, q), MACH_PORT_TYPE_RECEIVE);
	ck_assert_uint_eq(live_pages, 0);
	/* The user's array is untouched. */
	ck_assert_uint_eq(bad[0], q);

	/* 8-byte slots with null and dead names among them. */
	uint64_t good[4] = { q, MACH_PORT_NULL, MACH_PORT_DEAD, q };
	k = ool_msg(p, MSGT_WORD(MACH_MSG_TYPE_MAKE_SEND, 64, false), 4, good);
	ck_assert_int_eq(send_ool(k), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(port_q->srights, 2);
	ck_assert_uint_eq(MSGT_NAME(desc(k, 32)->word), MACH_MSG_TYPE_PORT_SEND);
	ck_assert_int_eq(ipc_kmsg_copyout(B, k, false), MACH_MSG_SUCCESS);
	ck_assert_int_eq(ipc_kmsg_copyout_ool(k, &host_sink), MACH_MSG_SUCCESS);
	uint64_t *names = (uint64_t *)(uintptr_t)*word(k, 40);
	ck_assert_ptr_nonnull(names);
	ck_assert(MACH_PORT_VALID((mach_port_name_t)names[0]));
	ck_assert_uint_eq(names[1], MACH_PORT_NULL);
	ck_assert_uint_eq(names[2], MACH_PORT_DEAD);
	ck_assert_uint_eq(names[3], names[0]);
	ck_assert_uint_eq(send_refs(B, (mach_port_name_t)names[0]), 2);
	sink_free((uintptr_t)names);
	ipc_kmsg_free(k);

	/* 4-byte names come back as 4-byte names; a full receiver loses the
	 * array (address 0) but not the rest of the message. */
	uint32_t small[2] = { q, q };
	k = ool_msg(p, MSGT_WORD(MACH_MSG_TYPE_COPY_SEND, 32, false), 2, small);
	ck_assert_int_eq(ipc_space_insert_right(A, q, A, q, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	ck_assert_int_eq(send_ool(k), MACH_MSG_SUCCESS);
	/* A's right, B's from the array above, two in transit. */
	ck_assert_uint_eq(port_q->srights, 4);
	sink_full = true;
	ipc_kmsg_copyout_ool_reserve(k, &host_sink);
	sink_full = false;
	/* The array's rights died before reaching B's space. */
	ck_assert_uint_eq(port_q->srights, 2);
	ck_assert_int_eq(ipc_kmsg_copyout(B, k, false), MACH_MSG_SUCCESS);
	ck_assert_int_eq(ipc_kmsg_copyout_ool(k, &host_sink), MACH_RCV_BODY_ERROR | MACH_MSG_VM_SPACE);
	ck_assert_uint_eq(*word(k, 40), 0);
	ck_assert_uint_eq(port_q->srights, 2);
	ipc_kmsg_free(k);
	ck_assert_uint_eq(sink_live, 0);
	finish();
}
END_TEST

/* An undelivered message frees its pages and kills the receive rights in
 * its port arrays. */
START_TEST(test_ool_destroy)
{
	mach_port_name_t p = new_port(A), r = new_port(A), q = new_port(A);
	struct ipc_port *port_r = (struct ipc_port *)ipc_entry_lookup(A, r)->object;
	struct ipc_port *port_q = (struct ipc_port *)ipc_entry_lookup(A, q)->object;
	uint32_t arr[2] = { r, q };
	struct ipc_kmsg *k = ool_msg(p, MSGT_WORD(MACH_MSG_TYPE_MOVE_RECEIVE, 32, false), 2, arr);
	ck_assert_int_eq(send_ool(k), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(type_of(A, r), 0);
	ck_assert_uint_eq(live_pages, 1);
	ipc_port_reference(port_r);
	ipc_port_reference(port_q);
	ipc_kmsg_destroy(k);
	ck_assert(!port_r->active);
	ck_assert(!port_q->active);
	ipc_port_release(port_r);
	ipc_port_release(port_q);
	finish();
}
END_TEST


/* --- detached regions (kernel routines' replies) --- */

START_TEST(test_ool_detached)
{
	ck_assert_ptr_null(ipc_ool_alloc(IPC_KMSG_OOL_MAX + 1));
	struct ipc_ool *ool = ipc_ool_alloc(2 * 4096 + 10);
	ck_assert_ptr_nonnull(ool);
	ck_assert_uint_eq(live_pages, 3);
	ck_assert_uint_eq(ool->size, 2 * 4096 + 10);
	/* Zeroed, even though page_alloc's pages may be dirty. */
	uint8_t buf[5000];
	ck_assert_int_eq(ipc_ool_read(ool, 3000, buf, sizeof(buf)), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0);
	/* Across page boundaries, both ways. */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 13 + 1);
	ck_assert_int_eq(ipc_ool_write(ool, 3000, buf, sizeof(buf)), 0);
	uint8_t back[5000];
	ck_assert_int_eq(ipc_ool_read(ool, 3000, back, sizeof(back)), 0);
	ck_assert_mem_eq(back, buf, sizeof(buf));
	/* The last byte is in, one past it is not; nothing is copied then. */
	ck_assert_int_eq(ipc_ool_write(ool, 2 * 4096 + 9, buf, 1), 0);
	ck_assert_int_eq(ipc_ool_write(ool, 2 * 4096 + 9, buf, 2), K_EINVAL);
	ck_assert_int_eq(ipc_ool_read(ool, 2 * 4096 + 11, back, 0), K_EINVAL);
	ck_assert_int_eq(ipc_ool_read(ool, 2 * 4096 + 10, back, 0), 0);
	ck_assert_int_eq(ipc_ool_read(ool, UINT64_MAX, back, 1), K_EINVAL);
	ck_assert_int_eq(ipc_ool_write(ool, 8, buf, SIZE_MAX), K_EINVAL);
	ipc_ool_free(ool);
	ipc_ool_free(NULL);
	/* Empty regions hold no pages. */
	ool = ipc_ool_alloc(0);
	ck_assert_ptr_nonnull(ool);
	ck_assert_uint_eq(live_pages, 0);
	ipc_ool_free(ool);
	/* Out of memory part way: what was got is given back. */
	stub_fail_after = 0;
	ck_assert_ptr_null(ipc_ool_alloc(100));
	stub_fail_after = -1;
	finish();
}
END_TEST

/* A reply in kernel form: header with a transit send right to dest, then
 * one descriptor at 32 whose word names region. */
static struct ipc_kmsg *reply_msg(struct ipc_port *dest, uint32_t word_, uint32_t number,
				  struct ipc_ool *region)
{
	struct ipc_kmsg *k = msg(48, MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0) |
				     MACH_MSGH_BITS_COMPLEX, 0, 0);
	k->msg.hdr.msgh_remote_slot = (uint64_t)(uintptr_t)ipc_port_make_send(dest);
	desc(k, 32)->word = word_;
	desc(k, 32)->number = number;
	*word(k, 40) = (uint64_t)(uintptr_t)region;
	return k;
}

static struct ipc_port *port_of(struct ipc_space *s, mach_port_name_t n)
{
	return (struct ipc_port *)ipc_entry_lookup(s, n)->object;
}

START_TEST(test_adopt_data)
{
	struct ipc_port *dest = port_of(B, new_port(B));
	size_t n = 4096 + 100;
	struct ipc_ool *ool = ipc_ool_alloc(n);
	uint8_t *src = malloc(n);
	for (size_t i = 0; i < n; i++)
		src[i] = (uint8_t)(i * 3 + 7);
	ck_assert_int_eq(ipc_ool_write(ool, 0, src, n), 0);
	struct ipc_kmsg *k = reply_msg(dest, MSGT_WORD(9, 8, false), (uint32_t)n, ool);
	ck_assert_int_eq(ipc_kmsg_adopt_ool(k), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(ool->user_size, n);
	ck_assert(!list_empty(&k->ool));
	/* Adopting again changes nothing. */
	ck_assert_int_eq(ipc_kmsg_adopt_ool(k), MACH_MSG_SUCCESS);
	ck_assert_ptr_eq(k->ool.next->next, &k->ool);
	ck_assert_int_eq(ipc_kmsg_copyout(B, k, false), MACH_MSG_SUCCESS);
	ck_assert_int_eq(ipc_kmsg_copyout_ool(k, &host_sink), MACH_MSG_SUCCESS);
	uint8_t *got = (uint8_t *)(uintptr_t)*word(k, 40);
	ck_assert_ptr_nonnull(got);
	ck_assert_mem_eq(got, src, n);
	sink_free((uintptr_t)got);
	ipc_kmsg_free(k);   /* the region goes with it */
	free(src);

	/* A page-rounded region with a shorter count (vm_read's way). */
	ool = ipc_ool_alloc(4096);
	k = reply_msg(dest, MSGT_WORD(9, 8, false), 10, ool);
	ck_assert_int_eq(ipc_kmsg_adopt_ool(k), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(ool->user_size, 4096);
	ipc_kmsg_destroy(k);

	/* An empty region: null address for the receiver, freed with the
	 * kmsg. */
	ool = ipc_ool_alloc(0);
	k = reply_msg(dest, MSGT_WORD(9, 8, false), 0, ool);
	ck_assert_int_eq(ipc_kmsg_adopt_ool(k), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(*word(k, 40), 0);
	ck_assert_int_eq(ipc_kmsg_copyout(B, k, false), MACH_MSG_SUCCESS);
	ck_assert_int_eq(ipc_kmsg_copyout_ool(k, &host_sink), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(*word(k, 40), 0);
	ipc_kmsg_free(k);
	ck_assert_uint_eq(sink_live, 0);
	finish();
}
END_TEST

/* Port arrays made by a routine (task_threads, mach_port_names ...):
 * transit rights in 8-byte slots, names of either size for the user. */
START_TEST(test_adopt_ports)
{
	struct ipc_port *dest = port_of(B, new_port(B));
	struct ipc_port *q = port_of(A, new_port(A));
	for (uint32_t esize = 32; esize <= 64; esize += 32) {
		struct ipc_ool *ool = ipc_ool_alloc(3 * 8);
		uint64_t slots[3] = { (uint64_t)(uintptr_t)ipc_port_make_send(q), 0,
				      (uint64_t)(uintptr_t)ipc_port_make_send(q) };
		ck_assert_int_eq(ipc_ool_write(ool, 0, slots, sizeof(slots)), 0);
		struct ipc_kmsg *k = reply_msg(dest, MSGT_WORD(MACH_MSG_TYPE_PORT_SEND, esize, false),
					       3, ool);
		ck_assert_int_eq(ipc_kmsg_adopt_ool(k), MACH_MSG_SUCCESS);
		/* Whatever the stub said, the user gets 32-bit names. */
		ck_assert_uint_eq(ool->user_size, 3 * 4);
		ck_assert_uint_eq(desc(k, 32)->word, MSGT_WORD(MACH_MSG_TYPE_PORT_SEND, 32, false));
		ck_assert_int_eq(ipc_kmsg_copyout(B, k, false), MACH_MSG_SUCCESS);
		ck_assert_int_eq(ipc_kmsg_copyout_ool(k, &host_sink), MACH_MSG_SUCCESS);
		uintptr_t got = (uintptr_t)*word(k, 40);
		mach_port_name_t names[3];
		for (int i = 0; i < 3; i++)
			names[i] = ((uint32_t *)got)[i];
		ck_assert(MACH_PORT_VALID(names[0]));
		ck_assert_uint_eq(names[1], MACH_PORT_NULL);
		ck_assert_uint_eq(names[2], names[0]);
		ck_assert_uint_eq(send_refs(B, names[0]), esize == 32 ? 2 : 4);
		sink_free(got);
		ipc_kmsg_free(k);
	}
	/* B's one entry holds them all. */
	ck_assert_uint_eq(q->srights, 1);

	/* Destroyed undelivered: the rights in the array die with it. */
	struct ipc_ool *ool = ipc_ool_alloc(8);
	uint64_t slot = (uint64_t)(uintptr_t)ipc_port_make_send(q);
	ipc_ool_write(ool, 0, &slot, 8);
	struct ipc_kmsg *k = reply_msg(dest, MSGT_WORD(MACH_MSG_TYPE_PORT_SEND, 32, false), 1, ool);
	ck_assert_int_eq(ipc_kmsg_adopt_ool(k), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(q->srights, 2);
	ipc_kmsg_destroy(k);
	ck_assert_uint_eq(q->srights, 1);
	finish();
}
END_TEST

START_TEST(test_adopt_errors)
{
	struct ipc_port *dest = port_of(B, new_port(B));
	struct ipc_ool *small = ipc_ool_alloc(16), *other = ipc_ool_alloc(8);

	/* Too small for its descriptor: data, then a port array. */
	struct ipc_kmsg *k = reply_msg(dest, MSGT_WORD(9, 8, false), 17, small);
	ck_assert_int_eq(ipc_kmsg_adopt_ool(k), MACH_SEND_INVALID_MEMORY);
	ck_assert(list_empty(&small->link));
	ck_assert(list_empty(&k->ool));
	*word(k, 40) = 0;
	ipc_kmsg_destroy(k);
	k = reply_msg(dest, MSGT_WORD(MACH_MSG_TYPE_PORT_SEND, 32, false), 3, small);
	ck_assert_int_eq(ipc_kmsg_adopt_ool(k), MACH_SEND_INVALID_MEMORY);
	*word(k, 40) = 0;
	ipc_kmsg_destroy(k);

	/* A malformed body (bad type, then a truncated descriptor) links
	 * nothing, not even the good region before it. */
	k = msg(64, MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0) | MACH_MSGH_BITS_COMPLEX, 0, 0);
	k->msg.hdr.msgh_remote_slot = (uint64_t)(uintptr_t)ipc_port_make_send(dest);
	desc(k, 32)->word = MSGT_WORD(9, 8, false);
	desc(k, 32)->number = 16;
	*word(k, 40) = (uint64_t)(uintptr_t)small;
	desc(k, 48)->word = MSGT_WORD(24, 8, true);
	ck_assert_int_eq(ipc_kmsg_adopt_ool(k), MACH_SEND_INVALID_TYPE);
	ck_assert(list_empty(&small->link));
	desc(k, 48)->word = MSGT_WORD(9, 8, true);
	desc(k, 48)->number = 9;
	ck_assert_int_eq(ipc_kmsg_adopt_ool(k), MACH_SEND_MSG_TOO_SMALL);
	ck_assert(list_empty(&small->link));

	/* One region named twice. */
	struct ipc_kmsg *k2 = msg(64, MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0) |
				      MACH_MSGH_BITS_COMPLEX, 0, 0);
	k2->msg.hdr.msgh_remote_slot = (uint64_t)(uintptr_t)ipc_port_make_send(dest);
	desc(k2, 32)->word = MSGT_WORD(9, 8, false);
	desc(k2, 32)->number = 8;
	*word(k2, 40) = (uint64_t)(uintptr_t)other;
	desc(k2, 48)->word = MSGT_WORD(9, 8, false);
	desc(k2, 48)->number = 8;
	*word(k2, 56) = (uint64_t)(uintptr_t)other;
	ck_assert_int_eq(ipc_kmsg_adopt_ool(k2), MACH_SEND_INVALID_MEMORY);
	ck_assert(list_empty(&other->link));

	/* A region another kmsg owns. */
	*word(k2, 56) = 0;
	ck_assert_int_eq(ipc_kmsg_adopt_ool(k2), MACH_MSG_SUCCESS);
	desc(k, 48)->word = MSGT_WORD(9, 8, false);
	desc(k, 48)->number = 8;
	*word(k, 56) = (uint64_t)(uintptr_t)other;
	ck_assert_int_eq(ipc_kmsg_adopt_ool(k), MACH_SEND_INVALID_MEMORY);
	ck_assert(list_empty(&small->link));
	*word(k, 40) = *word(k, 56) = 0;
	ipc_kmsg_destroy(k);
	ipc_kmsg_destroy(k2);    /* frees other */
	ipc_ool_free(small);

	/* Non-complex: nothing to do. */
	k = reply_msg(dest, MSGT_WORD(9, 8, false), 8, NULL);
	k->msg.hdr.msgh_bits &= ~MACH_MSGH_BITS_COMPLEX;
	ck_assert_int_eq(ipc_kmsg_adopt_ool(k), MACH_MSG_SUCCESS);
	ipc_kmsg_destroy(k);
	finish();
}
END_TEST

/* A routine that keeps request data (vm_write) unlinks its region. */
START_TEST(test_unlink_ool)
{
	mach_port_name_t p = new_port(A);
	uint8_t data[300];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(255 - i);
	struct ipc_kmsg *k = ool_msg(p, MSGT_WORD(9, 8, false), sizeof(data), data);
	ck_assert_int_eq(send_ool(k), MACH_MSG_SUCCESS);
	struct ipc_ool *ool = (struct ipc_ool *)(uintptr_t)*word(k, 40);
	ipc_kmsg_unlink_ool(k, ool);
	ck_assert_uint_eq(*word(k, 40), 0);
	ck_assert(list_empty(&k->ool));
	ck_assert(list_empty(&ool->link));
	ipc_kmsg_destroy(k);
	ck_assert_uint_eq(live_pages, 1);
	uint8_t back[300];
	ck_assert_int_eq(ipc_ool_read(ool, 0, back, sizeof(back)), 0);
	ck_assert_mem_eq(back, data, sizeof(data));
	/* Unlinking what the kmsg does not own is a no-op. */
	k = ool_msg(p, MSGT_WORD(9, 8, false), 0, NULL);
	ck_assert_int_eq(send_ool(k), MACH_MSG_SUCCESS);
	ipc_kmsg_unlink_ool(k, ool);
	ipc_kmsg_unlink_ool(k, NULL);
	ipc_kmsg_destroy(k);
	ipc_ool_free(ool);
	finish();
}
END_TEST

static Suite *kmsg_ool_suite(void)
{
	Suite *s = suite_create("ipc_kmsg_ool");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ool_data);
	tcase_add_test(tc, test_ool_errors);
	tcase_add_test(tc, test_ool_ports);
	tcase_add_test(tc, test_ool_destroy);
	tcase_add_test(tc, test_ool_detached);
	tcase_add_test(tc, test_adopt_data);
	tcase_add_test(tc, test_adopt_ports);
	tcase_add_test(tc, test_adopt_errors);
	tcase_add_test(tc, test_unlink_ool);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(kmsg_ool_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
