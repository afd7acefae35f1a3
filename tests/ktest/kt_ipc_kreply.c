/* Self-tests of what kernel routines need to answer messages: replies
 * larger than a kmalloc block (8 KiB inline, MIG's thread_get_state and
 * friends) and out-of-line regions a routine fills before its reply kmsg
 * exists (ipc_ool_alloc + ipc_kmsg_adopt_ool), delivered into a task's
 * map through the ordinary receive path, data and port arrays alike. */
#include <ipc/mach_msg.h>
#include <ipc/mqueue.h>
#include <ipc/right.h>
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/page_alloc.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/vm_map.h>

#define BIG 8192u

struct msg_big {
	mach_msg_header_t h;
	mach_msg_type_t t;
	uint8_t data[BIG - sizeof(mach_msg_header_t) - sizeof(mach_msg_type_t)];
};
_Static_assert(sizeof(struct msg_big) == BIG, "an 8 KiB message");

struct msg_ool {
	mach_msg_header_t h;
	mach_msg_type_t t;
	uint64_t addr;
};

static mach_msg_return_t call(struct task *task, void *m, uint32_t size, mach_msg_option_t option,
			      mach_port_name_t rcv_name)
{
	struct ipc_msg_buf b = { .user = false, .addr = (uintptr_t)m, .map = &task->map };
	return ipc_mach_msg(task->itk_space, b, option, (option & MACH_SEND_MSG) ? size : 0,
			    size, rcv_name, 1000, 0);
}

static struct msg_big big_send, big_recv;

KTEST(ipc_big_inline_message)
{
	struct task *t = task_create("kt-big");
	KT_ASSERT(t != NULL);
	mach_port_name_t p = MACH_PORT_NULL;
	KT_EXPECT(ipc_space_allocate(t->itk_space, MACH_PORT_RIGHT_RECEIVE, &p) == KERN_SUCCESS);

	memset(&big_send, 0, sizeof(big_send));
	big_send.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	big_send.h.msgh_size = BIG;
	big_send.h.msgh_remote_port = p;
	big_send.h.msgh_id = 4321;
	big_send.t.word = MSGT_WORD(9, 8, true);
	big_send.t.number = sizeof(big_send.data);
	for (size_t i = 0; i < sizeof(big_send.data); i++)
		big_send.data[i] = (uint8_t)(i * 11 + (i >> 8));
	KT_EXPECT(call(t, &big_send, BIG, MACH_SEND_MSG, 0) == MACH_MSG_SUCCESS);
	memset(&big_recv, 0, sizeof(big_recv));
	KT_EXPECT(call(t, &big_recv, BIG, MACH_RCV_MSG | MACH_RCV_TIMEOUT, p) == MACH_MSG_SUCCESS);
	KT_EXPECT(big_recv.h.msgh_size == BIG && big_recv.h.msgh_id == 4321);
	KT_EXPECT(memcmp(big_recv.data, big_send.data, sizeof(big_send.data)) == 0);

	/* Past the limit: no buffer, nothing consumed. */
	KT_EXPECT(call(t, &big_send, IPC_KMSG_MAX_SIZE + 8, MACH_SEND_MSG, 0) ==
		  MACH_SEND_NO_BUFFER);

	task_terminate(t, 0, NULL);
	KT_EXPECT(task_wait(t) == 0);
}

/* A reply in kernel form to port (a transit send right made here) with
 * one out-of-line descriptor naming ool. */
static struct ipc_kmsg *reply(struct ipc_port *port, uint32_t word, uint32_t number,
			      struct ipc_ool *ool)
{
	struct ipc_kmsg *k = ipc_kmsg_alloc(sizeof(struct msg_ool));
	if (k == NULL)
		return NULL;
	memset(k->msg.bytes, 0, k->size);
	mach_msg_header_t *h = &k->msg.hdr;
	h->msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	h->msgh_size = k->size;
	h->msgh_remote_slot = (uint64_t)(uintptr_t)ipc_port_make_send(port);
	h->msgh_id = 2100;
	mach_msg_type_t *t = (mach_msg_type_t *)(void *)(h + 1);
	t->word = word;
	t->number = number;
	*(uint64_t *)(void *)(t + 1) = (uint64_t)(uintptr_t)ool;
	return k;
}

static uint8_t kpattern(size_t i)
{
	return (uint8_t)(i * 7 + (i >> 12) * 31 + 3);
}

KTEST(ipc_kernel_reply_ool)
{
	struct task *t = task_create("kt-kreply");
	KT_ASSERT(t != NULL);
	struct ipc_space *s = t->itk_space;
	mach_port_name_t p = MACH_PORT_NULL, q = MACH_PORT_NULL;
	KT_EXPECT(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &p) == KERN_SUCCESS);
	KT_EXPECT(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &q) == KERN_SUCCESS);
	struct ipc_entry *pe = ipc_entry_lookup(s, p), *qe = ipc_entry_lookup(s, q);
	KT_ASSERT(pe && qe);
	struct ipc_port *port = (struct ipc_port *)pe->object, *qport = (struct ipc_port *)qe->object;
	struct page_stats ps0, ps1;

	/* Three pages and a bit of data, filled before the reply exists. */
	const size_t len = 3 * PAGE_SIZE + 77;
	static uint8_t buf[3 * 4096 + 77];
	struct ipc_ool *ool = ipc_ool_alloc(len);
	KT_ASSERT(ool != NULL);
	KT_EXPECT(ipc_ool_read(ool, len - 1, buf, 1) == K_OK && buf[0] == 0);
	for (size_t i = 0; i < len; i++)
		buf[i] = kpattern(i);
	KT_EXPECT(ipc_ool_write(ool, 0, buf, len) == K_OK);
	KT_EXPECT(ipc_ool_write(ool, len, buf, 1) == K_EINVAL);
	struct ipc_kmsg *k = reply(port, MSGT_WORD(9, 8, false), (uint32_t)len, ool);
	KT_ASSERT(k != NULL);
	KT_EXPECT(ipc_kmsg_adopt_ool(k) == MACH_MSG_SUCCESS);
	irqflags_t f = arch_irq_save();
	KT_EXPECT(ipc_mqueue_send(k, MACH_SEND_ALWAYS, 0) == MACH_MSG_SUCCESS);
	arch_irq_restore(f);

	struct msg_ool m;
	memset(&m, 0, sizeof(m));
	KT_EXPECT(call(t, &m, sizeof(m), MACH_RCV_MSG | MACH_RCV_TIMEOUT, p) == MACH_MSG_SUCCESS);
	KT_EXPECT(m.h.msgh_id == 2100 && m.t.number == len && m.addr != 0);
	memset(buf, 0, len);
	KT_EXPECT(vm_map_read(&t->map, m.addr, buf, len) == K_OK);
	size_t bad = 0;
	for (size_t i = 0; i < len; i++)
		bad += buf[i] != kpattern(i);
	KT_EXPECT(bad == 0);
	KT_EXPECT(vm_deallocate(&t->map, m.addr, len) == K_OK);

	/* A port array as MIG's kernel stubs describe it (task_threads:
	 * size 64, long form) reaches the task as packed 32-bit names. */
	ool = ipc_ool_alloc(2 * 8);
	KT_ASSERT(ool != NULL);
	uint64_t slots[2] = { (uint64_t)(uintptr_t)ipc_port_make_send(qport),
			      (uint64_t)(uintptr_t)ipc_port_make_send(qport) };
	KT_EXPECT(ipc_ool_write(ool, 0, slots, sizeof(slots)) == K_OK);
	k = reply(port, MSGT_WORD(MACH_MSG_TYPE_PORT_SEND, 64, false) | MSGT_LONGFORM, 2, ool);
	KT_ASSERT(k != NULL);
	KT_EXPECT(ipc_kmsg_adopt_ool(k) == MACH_MSG_SUCCESS);
	f = arch_irq_save();
	KT_EXPECT(ipc_mqueue_send(k, MACH_SEND_ALWAYS, 0) == MACH_MSG_SUCCESS);
	arch_irq_restore(f);
	memset(&m, 0, sizeof(m));
	KT_EXPECT(call(t, &m, sizeof(m), MACH_RCV_MSG | MACH_RCV_TIMEOUT, p) == MACH_MSG_SUCCESS);
	KT_EXPECT(m.t.word == (MSGT_WORD(MACH_MSG_TYPE_PORT_SEND, 32, false) | MSGT_LONGFORM));
	uint32_t names[2] = { 0, 0 };
	KT_EXPECT(m.addr != 0 && vm_map_read(&t->map, m.addr, names, sizeof(names)) == K_OK);
	/* The receive right's name gains the send rights. */
	KT_EXPECT(names[0] == q && names[1] == q);
	mach_port_urefs_t refs = 0;
	KT_EXPECT(ipc_space_get_refs(s, q, MACH_PORT_RIGHT_SEND, &refs) == KERN_SUCCESS && refs == 2);
	KT_EXPECT(vm_deallocate(&t->map, m.addr, sizeof(names)) == K_OK);

	/* A malformed reply links nothing: the routine frees its region. */
	ool = ipc_ool_alloc(8);
	KT_ASSERT(ool != NULL);
	k = reply(port, MSGT_WORD(9, 8, false), 9, ool);
	KT_ASSERT(k != NULL);
	KT_EXPECT(ipc_kmsg_adopt_ool(k) == MACH_SEND_INVALID_MEMORY);
	ipc_kmsg_unlink_ool(k, ool);   /* not its own: no effect */
	*(uint64_t *)(void *)(k->msg.bytes + sizeof(mach_msg_header_t) + 8) = 0;
	f = arch_irq_save();
	ipc_kmsg_destroy(k);
	arch_irq_restore(f);
	ipc_ool_free(ool);

	/* Regions and big kmsgs give their pages back (after a warm-up
	 * round, so that slab growth does not count). */
	ipc_ool_free(ipc_ool_alloc(len));
	ipc_kmsg_free(ipc_kmsg_alloc(BIG));
	page_alloc_stats(&ps0);
	ool = ipc_ool_alloc(len);
	k = ipc_kmsg_alloc(BIG);
	KT_EXPECT(ool != NULL && k != NULL);
	page_alloc_stats(&ps1);
	KT_EXPECT(ps0.free_pages - ps1.free_pages >= 4 + 3);
	ipc_ool_free(ool);
	if (k)
		ipc_kmsg_free(k);
	page_alloc_stats(&ps1);
	KT_EXPECT(ps1.free_pages == ps0.free_pages && ps1.bad_frees == ps0.bad_frees);

	task_terminate(t, 0, NULL);
	KT_EXPECT(task_wait(t) == 0);
}
