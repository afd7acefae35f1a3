/* Self-tests of out-of-line data in mach_msg between two tasks: the bytes
 * arrive intact at a new address in the receiver, the deallocate bit
 * takes the range out of the sender, an unreadable region is refused with
 * nothing consumed (the sender's rights and pages as they were), and a
 * port array carries send rights.  Messages live
 * in kernel buffers; OOL regions in the tasks' maps (ipc_msg_buf.map). */
#include <ipc/mach_msg.h>
#include <ipc/right.h>
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/vm_map.h>
#include <kern/vm_prot.h>

struct msg_ool {
	mach_msg_header_t h;
	mach_msg_type_t t;
	uint64_t addr;
};

#define BYTE_TYPE 9      /* MACH_MSG_TYPE_BYTE */

static mach_msg_return_t call(struct task *task, struct msg_ool *m, mach_msg_option_t option,
			      mach_port_name_t rcv_name)
{
	struct ipc_msg_buf b = { .user = false, .addr = (uintptr_t)m, .map = &task->map };
	return ipc_mach_msg(task->itk_space, b, option, (option & MACH_SEND_MSG) ? sizeof(*m) : 0,
			    sizeof(*m), rcv_name, 1000, 0);
}

static void fill_ool(struct msg_ool *m, uint32_t dest_bits, mach_port_name_t dest,
		     uint32_t word, uint32_t number, uint64_t addr)
{
	memset(m, 0, sizeof(*m));
	m->h.msgh_bits = MACH_MSGH_BITS(dest_bits, 0) | MACH_MSGH_BITS_COMPLEX;
	m->h.msgh_size = sizeof(*m);
	m->h.msgh_remote_port = dest;
	m->h.msgh_id = 500;
	m->t.word = word;
	m->t.number = number;
	m->addr = addr;
}

static mach_port_urefs_t send_refs(struct ipc_space *space, mach_port_name_t name)
{
	mach_port_urefs_t refs = 0;
	if (ipc_space_get_refs(space, name, MACH_PORT_RIGHT_SEND, &refs) != KERN_SUCCESS)
		return 0;
	return refs;
}

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 13 + (i >> 12) * 29 + 5);   /* not page-periodic */
}

KTEST(ipc_ool_between_tasks)
{
	struct task *ta = task_create("kt-ool-a"), *tb = task_create("kt-ool-b");
	if (!ta || !tb) {
		KT_EXPECT(ta && tb);
		if (ta) { task_terminate(ta, 0, NULL); task_wait(ta); }
		if (tb) { task_terminate(tb, 0, NULL); task_wait(tb); }
		return;
	}
	struct ipc_space *a = ta->itk_space, *b = tb->itk_space;
	mach_port_name_t service = MACH_PORT_NULL, to_service = MACH_PORT_NULL;
	struct ipc_port *sp = NULL;
	KT_EXPECT(ipc_space_allocate(b, MACH_PORT_RIGHT_RECEIVE, &service) == KERN_SUCCESS);
	if (ipc_right_copyin(b, service, MACH_MSG_TYPE_MAKE_SEND, false, &sp) == KERN_SUCCESS)
		KT_EXPECT(ipc_right_copyout(a, sp, MACH_MSG_TYPE_PORT_SEND, false, &to_service) ==
			  KERN_SUCCESS);
	/* A second user reference so that MOVE_SEND sends leave one. */
	KT_EXPECT(ipc_space_mod_refs(a, to_service, MACH_PORT_RIGHT_SEND, 1) == KERN_SUCCESS);

	/* 5000 bytes at an odd offset of three pages of A. */
	const size_t len = 5000, skew = 100;
	static uint8_t buf[5000];
	vaddr_t src = 0;
	size_t resident0 = ta->map.resident_pages;
	KT_ASSERT(vm_allocate(&ta->map, &src, 3 * PAGE_SIZE, true, PROT_RW) == K_OK);
	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(i);
	KT_ASSERT(vm_map_write(&ta->map, src + skew, buf, len) == K_OK);
	KT_EXPECT(ta->map.resident_pages == resident0 + 2);

	/* Moved with the deallocate bit: A loses the pages (rounded out). */
	struct msg_ool m;
	fill_ool(&m, MACH_MSG_TYPE_COPY_SEND, to_service,
		 MSGT_WORD(BYTE_TYPE, 8, false) | MSGT_DEALLOCATE, (uint32_t)len, src + skew);
	KT_EXPECT(call(ta, &m, MACH_SEND_MSG, 0) == MACH_MSG_SUCCESS);
	KT_EXPECT(ta->map.resident_pages == resident0);
	KT_EXPECT(vm_map_read(&ta->map, src, buf, 1) == K_EFAULT);
	KT_EXPECT(vm_map_read(&ta->map, src + PAGE_SIZE, buf, 1) == K_EFAULT);
	/* The page the range did not touch stays. */
	KT_EXPECT(vm_map_read(&ta->map, src + 2 * PAGE_SIZE, buf, 1) == K_OK);

	/* B finds them at a new address of its own. */
	memset(&m, 0, sizeof(m));
	KT_EXPECT(call(tb, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, service) == MACH_MSG_SUCCESS);
	KT_EXPECT(m.h.msgh_id == 500 && m.t.number == len);
	KT_EXPECT(MSGT_NAME(m.t.word) == BYTE_TYPE && !(m.t.word & MSGT_INLINE));
	KT_EXPECT(m.addr != 0 && m.addr % PAGE_SIZE == 0);
	memset(buf, 0, len);
	KT_EXPECT(vm_map_read(&tb->map, m.addr, buf, len) == K_OK);
	size_t bad = 0;
	for (size_t i = 0; i < len; i++)
		bad += buf[i] != pattern(i);
	KT_EXPECT(bad == 0);
	KT_EXPECT(vm_deallocate(&tb->map, m.addr, len) == K_OK);

	/* An unmapped region: MACH_SEND_INVALID_MEMORY, the moved send
	 * right still A's, no kernel page kept. */
	size_t resident1 = ta->map.resident_pages;
	KT_EXPECT(send_refs(a, to_service) == 2);
	fill_ool(&m, MACH_MSG_TYPE_MOVE_SEND, to_service,
		 MSGT_WORD(BYTE_TYPE, 8, false) | MSGT_DEALLOCATE, 3 * PAGE_SIZE, src);
	KT_EXPECT(call(ta, &m, MACH_SEND_MSG, 0) == MACH_SEND_INVALID_MEMORY);
	KT_EXPECT(send_refs(a, to_service) == 2);
	KT_EXPECT(ta->map.resident_pages == resident1);
	/* A region only partly mapped is refused too, and stays mapped. */
	vaddr_t half = 0;
	KT_ASSERT(vm_allocate(&ta->map, &half, PAGE_SIZE, true, PROT_RW) == K_OK);
	fill_ool(&m, MACH_MSG_TYPE_MOVE_SEND, to_service,
		 MSGT_WORD(BYTE_TYPE, 8, false) | MSGT_DEALLOCATE, 2 * PAGE_SIZE, half);
	if (vm_map_read(&ta->map, half + PAGE_SIZE, buf, 1) == K_EFAULT) {
		KT_EXPECT(call(ta, &m, MACH_SEND_MSG, 0) == MACH_SEND_INVALID_MEMORY);
		KT_EXPECT(vm_map_read(&ta->map, half, buf, 1) == K_OK);
		KT_EXPECT(send_refs(a, to_service) == 2);
	}

	/* A port array of 4-byte names carries two send rights. */
	mach_port_name_t gift = MACH_PORT_NULL;
	KT_EXPECT(ipc_space_allocate(a, MACH_PORT_RIGHT_RECEIVE, &gift) == KERN_SUCCESS);
	uint32_t names[3] = { gift, MACH_PORT_NULL, gift };
	vaddr_t arr = 0;
	KT_ASSERT(vm_allocate(&ta->map, &arr, sizeof(names), true, PROT_RW) == K_OK);
	KT_ASSERT(vm_map_write(&ta->map, arr, names, sizeof(names)) == K_OK);
	fill_ool(&m, MACH_MSG_TYPE_COPY_SEND, to_service,
		 MSGT_WORD(MACH_MSG_TYPE_MAKE_SEND, 32, false), 3, arr);
	KT_EXPECT(call(ta, &m, MACH_SEND_MSG, 0) == MACH_MSG_SUCCESS);
	memset(&m, 0, sizeof(m));
	KT_EXPECT(call(tb, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, service) == MACH_MSG_SUCCESS);
	KT_EXPECT(MSGT_NAME(m.t.word) == MACH_MSG_TYPE_PORT_SEND && m.t.number == 3);
	uint32_t got[3] = { 0, 1, 0 };
	KT_EXPECT(m.addr != 0 && vm_map_read(&tb->map, m.addr, got, sizeof(got)) == K_OK);
	mach_port_type_t type = 0;
	KT_EXPECT(MACH_PORT_VALID(got[0]) && got[2] == got[0] && got[1] == MACH_PORT_NULL);
	KT_EXPECT(ipc_space_type(b, got[0], &type) == KERN_SUCCESS && type == MACH_PORT_TYPE_SEND);
	KT_EXPECT(send_refs(b, got[0]) == 2);

	/* A bad name in an array: MACH_SEND_INVALID_RIGHT, nothing made. */
	names[1] = 0x4242;
	KT_ASSERT(vm_map_write(&ta->map, arr, names, sizeof(names)) == K_OK);
	fill_ool(&m, MACH_MSG_TYPE_COPY_SEND, to_service,
		 MSGT_WORD(MACH_MSG_TYPE_MAKE_SEND, 32, false), 3, arr);
	KT_EXPECT(call(ta, &m, MACH_SEND_MSG, 0) == MACH_SEND_INVALID_RIGHT);
	KT_EXPECT(ipc_space_type(a, gift, &type) == KERN_SUCCESS && type == MACH_PORT_TYPE_RECEIVE);

	task_terminate(ta, 0, NULL);
	task_terminate(tb, 0, NULL);
	KT_EXPECT(task_wait(ta) == 0);
	task_wait(tb);
}
