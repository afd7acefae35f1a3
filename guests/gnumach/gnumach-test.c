/* A GNU Mach program, built the way GNU Mach's own test programs are:
 * GNU Mach's headers, MIG's user stubs and a run time of its own
 * (start.S, syscalls.S, runtime.c) - nothing of machv's.  Started as a
 * boot module:
 *
 *   gnumach-test ${host-port} ${device-port} $(task-create) $(task-resume)
 *
 * it checks ports and messages, VM, the host port and the device master
 * port, printing one line per check with mach_print and a summary
 * "gnumach-test: P passed, F failed". */
#include <mach/mach_types.h>
#include <mach/message.h>
#include <mach/port.h>
#include <mach/host_info.h>
#include <mach/vm_prot.h>
#include <device/device_types.h>
#include "mach.h"
#include "mach_port.h"
#include "mach_host.h"
#include "device.h"
#include "gnumach-test.h"

static int passed, failed;

static int check(int ok, const char *what, long got)
{
	if (ok) {
		passed++;
		gm_printf("gnumach-test: ok - %s\n", what);
	} else {
		failed++;
		gm_printf("gnumach-test: FAIL - %s (got %ld)\n", what, got);
	}
	return ok;
}

#define CHECK_KR(call, what) ({ kern_return_t kr_ = (call); \
	check(kr_ == KERN_SUCCESS, what, kr_); })

static unsigned long parse_number(const char *s)
{
	unsigned long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned long)(*s++ - '0');
	return *s ? 0 : v;
}

struct int_message {
	mach_msg_header_t head;
	mach_msg_type_t type;
	int value;
	int pad;
};

static void test_messages(void)
{
	mach_port_t task = mach_task_self();
	mach_port_t port = MACH_PORT_NULL;
	struct int_message msg;
	kern_return_t kr;

	/* A raw exchange first: a reply port and mach_msg only. */
	port = mach_reply_port();
	check(MACH_PORT_VALID(port), "mach_reply_port", port);
	msg.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	msg.head.msgh_size = sizeof(msg);
	msg.head.msgh_remote_port = port;
	msg.head.msgh_local_port = MACH_PORT_NULL;
	msg.head.msgh_seqno = 0;
	msg.head.msgh_id = 1234;
	msg.type.msgt_name = MACH_MSG_TYPE_INTEGER_32;
	msg.type.msgt_size = 32;
	msg.type.msgt_number = 1;
	msg.type.msgt_inline = TRUE;
	msg.type.msgt_longform = FALSE;
	msg.type.msgt_deallocate = FALSE;
	msg.type.msgt_unused = 0;
	msg.value = 4321;
	msg.pad = 0;
	kr = mach_msg(&msg.head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(msg),
		      sizeof(msg), port, 1000, MACH_PORT_NULL);
	check(kr == MACH_MSG_SUCCESS && msg.head.msgh_id == 1234 && msg.value == 4321,
	      "a message to one's own port comes back intact", kr);

	/* The same through ports made with mach_port.defs. */
	if (!CHECK_KR(mach_port_allocate(task, MACH_PORT_RIGHT_RECEIVE, &port),
		      "mach_port_allocate"))
		return;
	CHECK_KR(mach_port_insert_right(task, port, port, MACH_MSG_TYPE_MAKE_SEND),
		 "mach_port_insert_right");
	msg.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	msg.head.msgh_remote_port = port;
	msg.head.msgh_local_port = MACH_PORT_NULL;
	msg.head.msgh_id = 99;
	msg.value = 7;
	kr = mach_msg(&msg.head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(msg),
		      sizeof(msg), port, 1000, MACH_PORT_NULL);
	check(kr == MACH_MSG_SUCCESS && msg.value == 7, "a message through a copied send right",
	      kr);
	CHECK_KR(mach_port_destroy(task, port), "mach_port_destroy");
}

static void test_vm(void)
{
	vm_address_t addr = 0;
	volatile char *p;

	if (!CHECK_KR(vm_allocate(mach_task_self(), &addr, 8192, TRUE), "vm_allocate"))
		return;
	p = (volatile char *)addr;
	p[0] = 'm';
	p[8191] = 'h';
	check(p[0] == 'm' && p[8191] == 'h' && p[4096] == 0, "the memory is usable and zeroed",
	      p[4096]);
	CHECK_KR(vm_protect(mach_task_self(), addr, 4096, FALSE, VM_PROT_READ), "vm_protect");
	CHECK_KR(vm_deallocate(mach_task_self(), addr, 8192), "vm_deallocate");
}

static void test_host(mach_port_t host)
{
	host_basic_info_data_t info;
	mach_msg_type_number_t count = HOST_BASIC_INFO_COUNT;
	kernel_version_t version;
	time_value_t now;

	if (CHECK_KR(host_info(host, HOST_BASIC_INFO, (host_info_t)&info, &count), "host_info"))
		gm_printf("gnumach-test: %d cpus, %lu bytes of memory\n", info.avail_cpus,
			  (unsigned long)info.memory_size);
	if (CHECK_KR(host_get_kernel_version(host, version), "host_get_kernel_version"))
		gm_printf("gnumach-test: kernel version: %s\n", version);
	CHECK_KR(host_get_time(host, &now), "host_get_time");
}

static void test_device(mach_port_t device_master)
{
	mach_port_t console = MACH_PORT_NULL;
	static const char line[] = "gnumach-test: written with device_write_inband\n";
	int written = 0;

	if (!check(MACH_PORT_VALID(device_master), "a device master port was passed",
		   device_master))
		return;
	if (!CHECK_KR(device_open(device_master, D_READ | D_WRITE, "console", &console),
		      "device_open(console)"))
		return;
	CHECK_KR(device_write_inband(console, 0, 0, line, sizeof(line) - 1, &written),
		 "device_write_inband");
	check(written == (int)sizeof(line) - 1, "every byte was written", written);
	CHECK_KR(device_close(console), "device_close");
}

int main(int argc, char **argv)
{
	mach_port_t host = MACH_PORT_NULL, device = MACH_PORT_NULL;

	gm_printf("gnumach-test: start, %d arguments\n", argc);
	if (argc >= 3) {
		host = (mach_port_t)parse_number(argv[1]);
		device = (mach_port_t)parse_number(argv[2]);
	}
	check(argc >= 3 && MACH_PORT_VALID(host),
	      "the host port came as the first argument (${host-port})", argc);
	if (!MACH_PORT_VALID(host))
		host = mach_host_self();
	test_messages();
	test_vm();
	test_host(host);
	test_device(device);
	gm_printf("gnumach-test: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
