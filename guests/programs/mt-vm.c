/* Mach test suite: the VM calls of mach.defs on our own task -
 * vm_allocate (anywhere and fixed), vm_deallocate, vm_protect,
 * vm_inherit, vm_read, vm_write, vm_copy, vm_region and vm_statistics,
 * with their documented errors. */
#include <mt.h>
#include <mach_init.h>
#include <mach/vm_prot.h>
#include <mach/vm_inherit.h>
#include <mach/vm_statistics.h>
#include "mach.h"
#include "mach_port.h"
#include "device.h"
#include <device/device_types.h>
#include <mach/time_value.h>

#define PAGE 4096UL
static mach_port_t self;

struct region {
	vm_address_t addr;
	vm_size_t size;
	vm_prot_t prot, max;
	vm_inherit_t inherit;
	boolean_t shared;
	kern_return_t kr;
};

static struct region region_at(vm_address_t addr)
{
	struct region r = { .addr = addr, .prot = -1, .max = -1, .inherit = -1 };
	mach_port_t object = MACH_PORT_NULL;
	vm_offset_t offset = 0;

	r.kr = vm_region(self, &r.addr, &r.size, &r.prot, &r.max, &r.inherit, &r.shared,
			 &object, &offset);
	return r;
}

static unsigned long strtoul_simple(const char *p)
{
	unsigned long v = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	return v;
}

static void test_allocate(void)
{
	vm_address_t a = 0, b;
	struct region r;
	bool zero = true;

	if (!MT_KR(vm_allocate(self, &a, 3 * PAGE, TRUE), KERN_SUCCESS,
		   "vm_allocate 3 pages anywhere"))
		return;
	mt_ok(a != 0 && a % PAGE == 0, "at a page-aligned address (0x%lx)", (unsigned long)a);
	for (unsigned i = 0; i < 3 * PAGE; i += 512)
		if (((volatile unsigned char *)a)[i] != 0)
			zero = false;
	mt_ok(zero, "the memory reads as zeros");
	memset((void *)a, 0x42, 3 * PAGE);
	mt_ok(((volatile unsigned char *)a)[3 * PAGE - 1] == 0x42, "and can be written");
	r = region_at(a);
	MT_KR(r.kr, KERN_SUCCESS, "vm_region finds it");
	mt_eq(r.addr, a, "vm_region: its start");
	mt_ok(r.size >= 3 * PAGE, "vm_region: at least its size");
	mt_eq(r.prot, VM_PROT_READ | VM_PROT_WRITE, "vm_region: read/write");
	mt_eq(r.max, VM_PROT_ALL, "vm_region: maximum protection all");
	mt_eq(r.inherit, VM_INHERIT_DEFAULT, "vm_region: default inheritance (copy)");
	b = a;
	MT_KR(vm_allocate(self, &b, PAGE, FALSE), KERN_NO_SPACE,
	      "a fixed vm_allocate over it: KERN_NO_SPACE");
	MT_KR(vm_deallocate(self, a + PAGE, PAGE), KERN_SUCCESS, "vm_deallocate the middle page");
	b = a + PAGE;
	MT_KR(vm_allocate(self, &b, PAGE, FALSE), KERN_SUCCESS,
	      "a fixed vm_allocate fills the hole");
	mt_ok(((volatile unsigned char *)b)[7] == 0, "with fresh zeros");
	MT_KR(vm_deallocate(self, a, 3 * PAGE), KERN_SUCCESS, "vm_deallocate all of it");
	MT_KR(vm_deallocate(self, a, 3 * PAGE), KERN_SUCCESS,
	      "vm_deallocate of unmapped memory is no error");
	b = 0x1000;   /* below USER_BASE */
	MT_KR(vm_allocate(self, &b, PAGE, FALSE), KERN_INVALID_ADDRESS,
	      "a fixed vm_allocate below user space");
	b = 0;
	MT_KR(vm_allocate(self, &b, (vm_size_t)1 << 62, TRUE), KERN_NO_SPACE,
	      "an impossible size: KERN_NO_SPACE");
	b = 0;
	MT_KR(vm_allocate(self, &b, 0, TRUE), KERN_SUCCESS, "vm_allocate of 0 bytes");
}

static void test_protect_inherit(void)
{
	vm_address_t a = 0;
	struct region r;

	if (vm_allocate(self, &a, 2 * PAGE, TRUE) != KERN_SUCCESS) {
		mt_fail("vm_protect", "cannot vm_allocate");
		return;
	}
	MT_KR(vm_protect(self, a, PAGE, FALSE, VM_PROT_READ), KERN_SUCCESS,
	      "vm_protect the first page read-only");
	r = region_at(a);
	mt_eq(r.prot, VM_PROT_READ, "vm_region: read-only");
	mt_ok(r.size == PAGE, "the region was split at the page (size 0x%lx)",
	      (unsigned long)r.size);
	mt_eq(((volatile unsigned char *)a)[0], 0, "it can still be read");
	MT_KR(vm_protect(self, a, PAGE, TRUE, VM_PROT_READ), KERN_SUCCESS,
	      "lower the maximum to read");
	MT_KR(vm_protect(self, a, PAGE, FALSE, VM_PROT_READ | VM_PROT_WRITE),
	      KERN_PROTECTION_FAILURE, "above the maximum: KERN_PROTECTION_FAILURE");
	MT_KR(vm_protect(self, a, PAGE, FALSE, 0x80), KERN_INVALID_ARGUMENT,
	      "an invalid protection: KERN_INVALID_ARGUMENT");
	MT_KR(vm_inherit(self, a + PAGE, PAGE, VM_INHERIT_SHARE), KERN_SUCCESS,
	      "vm_inherit(SHARE) on the second page");
	r = region_at(a + PAGE);
	mt_eq(r.inherit, VM_INHERIT_SHARE, "vm_region: inheritance share");
	MT_KR(vm_inherit(self, a + PAGE, PAGE, 9), KERN_INVALID_ARGUMENT,
	      "an invalid inheritance: KERN_INVALID_ARGUMENT");
	(void)vm_deallocate(self, a, 2 * PAGE);
}

static void test_read_write_copy(void)
{
	static unsigned char src[2 * PAGE] __attribute__((aligned(4096)));
	vm_address_t dst = 0;
	vm_offset_t data = 0;
	mach_msg_type_number_t count = 0;

	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i ^ 0x5c);
	if (MT_KR(vm_read(self, (vm_address_t)src, PAGE, &data, &count), KERN_SUCCESS,
		  "vm_read a page of our own")) {
		mt_eq(count, PAGE, "vm_read returns the page's size");
		mt_ok(data != (vm_offset_t)src && memcmp((void *)data, src, PAGE) == 0,
		      "a copy at a new address with the same bytes");
		(void)vm_deallocate(self, data, count);
	}
	MT_KR(vm_read(self, 0x2000, PAGE, &data, &count), KERN_INVALID_ADDRESS,
	      "vm_read of unmapped memory: KERN_INVALID_ADDRESS");
	if (vm_allocate(self, &dst, 2 * PAGE, TRUE) != KERN_SUCCESS) {
		mt_fail("vm_write", "cannot vm_allocate");
		return;
	}
	MT_KR(vm_write(self, dst, (vm_offset_t)src, PAGE), KERN_SUCCESS,
	      "vm_write a page into fresh memory");
	mt_ok(memcmp((void *)dst, src, PAGE) == 0, "the bytes are there");
	MT_KR(vm_copy(self, (vm_address_t)src + PAGE, PAGE, dst + PAGE), KERN_SUCCESS,
	      "vm_copy a page");
	mt_ok(memcmp((void *)(dst + PAGE), src + PAGE, PAGE) == 0, "the copy has the bytes");
	src[PAGE] ^= 0xff;
	mt_ok(((unsigned char *)dst)[PAGE] != src[PAGE], "and is a copy, not a share");
	MT_KR(vm_write(self, 0x3000, (vm_offset_t)src, PAGE), KERN_INVALID_ADDRESS,
	      "vm_write to unmapped memory");
	MT_KR(vm_copy(self, 0x3000, PAGE, dst), KERN_INVALID_ADDRESS,
	      "vm_copy from unmapped memory");
	(void)vm_deallocate(self, dst, 2 * PAGE);
}

static void test_statistics(void)
{
	vm_statistics_data_t st;

	memset(&st, 0xff, sizeof(st));
	if (MT_KR(vm_statistics(self, &st), KERN_SUCCESS, "vm_statistics")) {
		mt_eq(st.pagesize, PAGE, "pagesize is 4096");
		mt_ok(st.free_count > 0, "some pages are free (%d)", st.free_count);
	}
	MT_KR(vm_statistics(MACH_PORT_NULL, &st), MACH_SEND_INVALID_DEST,
	      "vm_statistics on MACH_PORT_NULL: MACH_SEND_INVALID_DEST");
}

/* The VM calls on another task's map: a child from task_create. */
static void test_other_task(void)
{
	mach_port_t child = MACH_PORT_NULL;
	static unsigned char data[PAGE] __attribute__((aligned(4096)));
	vm_address_t a = 0;
	vm_offset_t back = 0;
	mach_msg_type_number_t count = 0;
	struct region r;

	if (!MT_KR(task_create(self, FALSE, &child), KERN_SUCCESS, "task_create (empty)"))
		return;
	for (unsigned i = 0; i < PAGE; i++)
		data[i] = (unsigned char)(i * 13);
	if (MT_KR(vm_allocate(child, &a, PAGE, TRUE), KERN_SUCCESS, "vm_allocate in the child")) {
		MT_KR(vm_write(child, a, (vm_offset_t)data, PAGE), KERN_SUCCESS,
		      "vm_write into the child");
		if (MT_KR(vm_read(child, a, PAGE, &back, &count), KERN_SUCCESS,
			  "vm_read it back")) {
			mt_ok(count == PAGE && memcmp((void *)back, data, PAGE) == 0,
			      "the child's page holds what was written");
			(void)vm_deallocate(self, back, count);
		}
		mach_port_t object = MACH_PORT_NULL;
		vm_offset_t offset = 0;
		r.addr = a;
		r.kr = vm_region(child, &r.addr, &r.size, &r.prot, &r.max, &r.inherit, &r.shared,
				 &object, &offset);
		MT_KR(r.kr, KERN_SUCCESS, "vm_region in the child");
		mt_eq(r.addr, a, "finds the page at its address");
		MT_KR(vm_deallocate(child, a, PAGE), KERN_SUCCESS, "vm_deallocate in the child");
		MT_KR(vm_read(child, a, PAGE, &back, &count), KERN_INVALID_ADDRESS,
		      "the page is gone from the child");
	}
	(void)task_terminate(child);
	(void)mach_port_deallocate(self, child);
}

/* vm_map: anonymous memory on an alignment, and the time device's page
 * through the pager device_map gives (GNU Mach's mapped time). */
static void test_vm_map(char **envp)
{
	vm_address_t addr = 0;
	if (MT_KR(vm_map(mach_task_self(), &addr, 3 * PAGE, 0xfffff, TRUE,
			 MACH_PORT_NULL, 0, FALSE, VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
			 VM_INHERIT_COPY), KERN_SUCCESS, "vm_map of anonymous memory, 1 MiB aligned")) {
		mt_eq(addr & 0xfffff, 0, "the address is aligned (0x%lx)", (unsigned long)addr);
		((volatile char *)addr)[2 * PAGE] = 1;
		vm_deallocate(mach_task_self(), addr, 3 * PAGE);
	}
	MT_KR(vm_map(mach_task_self(), &addr, PAGE, 0, TRUE, MACH_PORT_NULL, 0, FALSE,
		     VM_PROT_ALL, VM_PROT_READ, VM_INHERIT_COPY), KERN_INVALID_ARGUMENT,
	      "vm_map with more current than maximum protection: KERN_INVALID_ARGUMENT");

	mach_port_t master = MACH_PORT_NULL;
	for (char **e = envp; *e; e++)
		if (strncmp(*e, "MACHV_DEVICE_PORT=", 18) == 0)
			master = (mach_port_t)strtoul_simple(*e + 18);
	if (!mt_ok(MACH_PORT_VALID(master), "the device master is in the environment"))
		return;
	mach_port_t time_dev = MACH_PORT_NULL, console = MACH_PORT_NULL, pager = MACH_PORT_NULL;
	if (!MT_KR(device_open(master, D_READ, "time", &time_dev), D_SUCCESS, "device_open(time)"))
		return;
	MT_KR(device_map(time_dev, VM_PROT_READ | VM_PROT_WRITE, 0, PAGE, &pager, 0),
	      D_READ_ONLY, "device_map(time) for writing: D_READ_ONLY");
	if (!MT_KR(device_map(time_dev, VM_PROT_READ, 0, PAGE, &pager, 0), D_SUCCESS,
		   "device_map(time)"))
		return;
	MT_KR(vm_map(mach_task_self(), &addr, PAGE, 0, TRUE, pager, 0, FALSE,
		     VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL, VM_INHERIT_NONE),
	      KERN_PROTECTION_FAILURE, "vm_map of the time page for writing: KERN_PROTECTION_FAILURE");
	if (MT_KR(vm_map(mach_task_self(), &addr, PAGE, 0, TRUE, pager, 0, FALSE,
			 VM_PROT_READ, VM_PROT_READ, VM_INHERIT_NONE), KERN_SUCCESS,
		  "vm_map of the time page")) {
		volatile mapped_time_value_t *mt = (volatile mapped_time_value_t *)addr;
		int64_t up1 = mt->uptime_value.seconds * 1000000000LL + mt->uptime_value.nanoseconds;
		mt_ok(mt->seconds == mt->check_seconds, "seconds and check_seconds agree");
		sleep_ms(50);
		int64_t up2 = mt->uptime_value.seconds * 1000000000LL + mt->uptime_value.nanoseconds;
		mt_ok(up2 > up1, "the mapped uptime moves on by itself (%ld -> %ld ns)",
		      (long)up1, (long)up2);
		vm_deallocate(mach_task_self(), addr, PAGE);
	}
	vm_address_t snap = 0;
	if (MT_KR(vm_map(mach_task_self(), &snap, PAGE, 0, TRUE, pager, 0, TRUE,
			 VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL, VM_INHERIT_NONE), KERN_SUCCESS,
		  "vm_map of the time page with copy (a private snapshot)")) {
		volatile mapped_time_value_t *mt = (volatile mapped_time_value_t *)snap;
		int64_t s1 = mt->uptime_value.nanoseconds;
		sleep_ms(30);
		mt_ok(mt->uptime_value.nanoseconds == s1, "the snapshot does not change");
		mt->seconds = 42;   /* writable: it is ours */
		vm_deallocate(mach_task_self(), snap, PAGE);
	}
	mach_port_deallocate(mach_task_self(), pager);
	if (MT_KR(device_open(master, D_READ | D_WRITE, "console", &console), D_SUCCESS,
		  "device_open(console)"))
		MT_KR(device_map(console, VM_PROT_READ, 0, PAGE, &pager, 0),
		      D_INVALID_OPERATION, "device_map(console): D_INVALID_OPERATION");
}

int main(int argc, char **argv, char **envp)
{
	mt_begin("mt-vm");
	self = mach_task_self();
	test_allocate();
	test_protect_inherit();
	test_read_write_copy();
	test_statistics();
	test_other_task();
	test_vm_map(envp);
	return mt_end();
}
