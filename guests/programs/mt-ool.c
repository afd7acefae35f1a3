/* Mach test suite: out-of-line memory and out-of-line port arrays, sent
 * to one's own port: contents, fresh page-aligned memory in the receiver,
 * deallocation on send, zero-length regions, and port arrays in both
 * element sizes. */
#include <mt.h>
#include <mach_init.h>
#include <mach/port.h>
#include "mach.h"
#include "mach_port.h"

#define PAGE 4096
static mach_port_t self;
static unsigned char pages[3 * PAGE] __attribute__((aligned(PAGE)));

struct ool_msg {
	mach_msg_header_t h;
	mach_msg_type_long_t t;
	vm_offset_t addr;
};

struct any_msg {
	mach_msg_header_t h;
	char body[512];
};

static mach_msg_return_t send_ool(mach_port_t dest, vm_offset_t addr,
				  mach_msg_type_name_t name, unsigned size_bits,
				  unsigned number, bool dealloc)
{
	struct ool_msg m;

	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m.h.msgh_remote_port = dest;
	m.h.msgh_id = 1000;
	m.t.msgtl_header.msgt_inline = FALSE;
	m.t.msgtl_header.msgt_longform = TRUE;
	m.t.msgtl_header.msgt_deallocate = dealloc;
	m.t.msgtl_name = name;
	m.t.msgtl_size = size_bits;
	m.t.msgtl_number = number;
	m.addr = addr;
	return mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
}

static mach_msg_return_t recv_msg(mach_port_t port, struct any_msg *m)
{
	memset(m, 0, sizeof(*m));
	return mach_msg(&m->h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(*m), port, 1000,
			MACH_PORT_NULL);
}

static void test_memory(mach_port_t port)
{
	struct any_msg m;
	struct ool_msg *om = (struct ool_msg *)&m;
	const unsigned char *got;
	bool same = true;

	for (unsigned i = 0; i < sizeof(pages); i++)
		pages[i] = (unsigned char)(i * 7 + 3);
	if (!MT_KR(send_ool(port, (vm_offset_t)pages, MACH_MSG_TYPE_BYTE, 8, sizeof(pages), false),
		   MACH_MSG_SUCCESS, "send 3 pages out of line"))
		return;
	pages[0] = 0xee;   /* changes after the send must not show */
	if (!MT_KR(recv_msg(port, &m), MACH_MSG_SUCCESS, "receive them"))
		return;
	mt_eq(om->t.msgtl_header.msgt_inline, FALSE, "the descriptor stays out of line");
	mt_eq(om->t.msgtl_number, sizeof(pages), "with its element count");
	mt_ok(om->addr != 0 && om->addr != (vm_offset_t)pages, "the data is at a new address");
	mt_eq(om->addr % PAGE, 0, "page aligned");
	got = (const unsigned char *)om->addr;
	for (unsigned i = 0; i < sizeof(pages) && om->addr; i++)
		if (got[i] != (unsigned char)(i * 7 + 3))
			same = false;
	mt_ok(om->addr && same, "every byte arrived, as it was at the send");
	MT_KR(vm_deallocate(self, om->addr, sizeof(pages)), KERN_SUCCESS,
	      "the receiver owns the region: vm_deallocate it");

	/* An odd size, not page aligned, from the middle of the buffer. */
	if (MT_KR(send_ool(port, (vm_offset_t)pages + 100, MACH_MSG_TYPE_INTEGER_32, 32, 50,
			   false),
		  MACH_MSG_SUCCESS, "send 50 32-bit integers from an unaligned address") &&
	    MT_KR(recv_msg(port, &m), MACH_MSG_SUCCESS, "receive them")) {
		mt_ok(om->addr && memcmp((void *)om->addr, pages + 100, 200) == 0,
		      "the 200 bytes arrive intact");
		(void)vm_deallocate(self, om->addr, 200);
	}
	if (MT_KR(send_ool(port, 0, MACH_MSG_TYPE_BYTE, 8, 0, false), MACH_MSG_SUCCESS,
		  "send a zero-length region") &&
	    MT_KR(recv_msg(port, &m), MACH_MSG_SUCCESS, "receive it"))
		mt_eq(om->addr, 0, "a zero-length region arrives as address 0");
	MT_KR(send_ool(port, 0x1000, MACH_MSG_TYPE_BYTE, 8, 64, false),
	      MACH_SEND_INVALID_MEMORY, "a region the sender cannot read");
}

static void test_dealloc(mach_port_t port)
{
	struct any_msg m;
	struct ool_msg *om = (struct ool_msg *)&m;
	vm_address_t buf = 0;

	if (!MT_KR(vm_allocate(self, &buf, 2 * PAGE, TRUE), KERN_SUCCESS,
		   "vm_allocate 2 pages to give away"))
		return;
	memset((void *)buf, 0x5a, 2 * PAGE);
	if (!MT_KR(send_ool(port, buf, MACH_MSG_TYPE_BYTE, 8, 2 * PAGE, true), MACH_MSG_SUCCESS,
		   "send them with msgt_deallocate"))
		return;
	if (MT_KR(recv_msg(port, &m), MACH_MSG_SUCCESS, "receive them")) {
		mt_ok(om->addr && ((unsigned char *)om->addr)[PAGE + 5] == 0x5a,
		      "the data arrived");
		(void)vm_deallocate(self, om->addr, 2 * PAGE);
	}
	/* The sender's range is gone: vm_allocate at that fixed address works
	 * again. */
	MT_KR(vm_allocate(self, &buf, 2 * PAGE, FALSE), KERN_SUCCESS,
	      "the deallocated range is free again (fixed vm_allocate)");
	(void)vm_deallocate(self, buf, 2 * PAGE);
}

static void test_port_arrays(mach_port_t port)
{
	struct any_msg m;
	struct ool_msg *om = (struct ool_msg *)&m;
	mach_port_t a = mach_reply_port(), b = mach_reply_port();
	mach_port_t names32[3] = { a, MACH_PORT_NULL, b };
	uint64_t names64[2] = { b, a };

	if (MT_KR(send_ool(port, (vm_offset_t)names32, MACH_MSG_TYPE_MAKE_SEND, 32, 3, false),
		  MACH_MSG_SUCCESS, "send 3 port names (32-bit) out of line, MAKE_SEND") &&
	    MT_KR(recv_msg(port, &m), MACH_MSG_SUCCESS, "receive the array")) {
		const mach_port_t *got = (const mach_port_t *)om->addr;

		mt_eq(om->t.msgtl_name, MACH_MSG_TYPE_PORT_SEND, "it carries send rights");
		mt_ok(got && got[0] == a && got[1] == MACH_PORT_NULL && got[2] == b,
		      "the rights land on the receive rights' names, NULL stays NULL");
		(void)vm_deallocate(self, om->addr, sizeof(names32));
	}
	if (MT_KR(send_ool(port, (vm_offset_t)names64, MACH_MSG_TYPE_COPY_SEND, 64, 2, false),
		  MACH_MSG_SUCCESS, "send 2 port names in 8-byte slots, COPY_SEND") &&
	    MT_KR(recv_msg(port, &m), MACH_MSG_SUCCESS, "receive the array")) {
		const uint64_t *got = (const uint64_t *)om->addr;

		mt_ok(got && (mach_port_t)got[0] == b && (mach_port_t)got[1] == a,
		      "8-byte slots come back as 8-byte slots");
		(void)vm_deallocate(self, om->addr, sizeof(names64));
	}
	names32[1] = 0x7654;
	MT_KR(send_ool(port, (vm_offset_t)names32, MACH_MSG_TYPE_COPY_SEND, 32, 3, false),
	      MACH_SEND_INVALID_RIGHT, "one bad name in the array: MACH_SEND_INVALID_RIGHT");
	MT_KR(send_ool(port, (vm_offset_t)names32, MACH_MSG_TYPE_COPY_SEND, 16, 3, false),
	      MACH_SEND_INVALID_TYPE, "a port array of 16-bit names: MACH_SEND_INVALID_TYPE");
	(void)mach_port_destroy(self, a);
	(void)mach_port_destroy(self, b);
}

int main(int argc, char **argv, char **envp)
{
	mach_port_t port;

	mt_begin("mt-ool");
	self = mach_task_self();
	port = mach_reply_port();
	test_memory(port);
	test_dealloc(port);
	test_port_arrays(port);
	return mt_end();
}
