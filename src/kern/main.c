/* kmain: the portable half of boot.  The arch has set up traps and filled
 * boot_info; from here the order is memory, the hypervisor seam, the
 * platform, devices, the scheduler, and then the self-tests, the init=
 * programs, or the console. */
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/bootstrap.h>
#include <kern/cmdline.h>
#include <kern/console.h>
#include <kern/device.h>
#include <kern/kmap.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/page_alloc.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/rtc.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/timer.h>
#include <kern/vm_boot.h>
#include "pv/pv.h"
#include "virtio/virtio.h"

static void print_memory(void)
{
	struct page_stats st;
	page_alloc_stats(&st);
	kprintf("memory: %zu MiB free of %zu MiB (RAM ends at %#llx)\n",
		st.free_pages * PAGE_SIZE >> 20, st.total_pages * PAGE_SIZE >> 20,
		(unsigned long long)vm_boot_ram_end());
}

static void print_boot_info(void)
{
	kprintf("boot: %s, %u memory ranges, %u modules, command line \"%s\"\n",
		boot_info.loader, boot_info.nmem, boot_info.nmods, boot_info.cmdline);
	for (unsigned i = 0; i < boot_info.nmods; i++)
		kprintf("boot: module %u at %#llx, %llu bytes, \"%s\"\n", i,
			(unsigned long long)boot_info.mods[i].base,
			(unsigned long long)boot_info.mods[i].size, boot_info.mods[i].cmdline);
}

/* Without self-tests there is nothing to run yet (user space comes in a
 * later stage): echo what is typed on any console, so a person can see the
 * input path working. */
static __noreturn void console_echo_loop(void)
{
	kprintf("machv: console ready; typed characters are echoed\n");
	for (;;) {
		int c = console_getc();
		if (c < 0) {
			arch_irq_enable();
			pv_halt();
			continue;
		}
		char ch = (char)c;
		if (ch == '\r')
			ch = '\n';
		console_write(&ch, 1);
	}
}

/* Command-line words that exercise the failure paths end to end (the boot
 * tests judge what they print), and the launch smoke test's "poweroff". */
static void run_boot_actions(void)
{
	if (cmdline_has("panic_test"))
		panic("panic_test requested on the command line");
	if (cmdline_has("fault_test")) {
		volatile uint64_t *bad = (volatile uint64_t *)0x10;
		kprintf("fault_test: reading %p\n", (void *)bad);
		(void)*bad;
		panic("fault_test: the read of an unmapped address did not fault");
	}
	if (cmdline_has("poweroff")) {
		kprintf("machv: poweroff requested\n");
		kernel_poweroff(0);
	}
}

/* The self-tests run in a thread of their own, so that they can block,
 * sleep and make other threads.  ktest_run() powers off at the end. */
static void ktest_thread(void *unused)
{
	size_t len;
	const char *sel = cmdline_value("ktest", &len);
	ktest_run(sel, sel ? len : 0);
}

#define BOOT_PROGRAMS_MAX 32

/* Start the init= programs, wait for all of them, and judge: success only
 * if every program exited with status 0, except those listed as expected
 * to be killed (path!), which must have been killed. */
static __noreturn void run_programs(void)
{
	static struct boot_program progs[BOOT_PROGRAMS_MAX];
	int n = boot_start_programs(progs, BOOT_PROGRAMS_MAX);
	bool ok = n > 0;
	if (n < 0)
		kprintf("machv: starting the init= programs failed (%d)\n", n);
	else if (n == 0)
		kprintf("machv: init= names no program\n");
	for (int i = 0; i < n; i++) {
		char name[sizeof(progs[i].task->name)];
		memcpy(name, progs[i].task->name, sizeof(name));
		int status = task_wait(progs[i].task);
		bool killed = status == TASK_STATUS_KILLED;
		if (progs[i].expect_killed && !killed) {
			kprintf("machv: %s was expected to be killed but exited with status %d\n",
				name, status);
			ok = false;
		} else if (!progs[i].expect_killed && status != 0) {
			ok = false;
		}
	}
	kprintf("machv: all programs finished\n");
	if (cmdline_has("init.keep"))
		console_echo_loop();
	kernel_poweroff(ok ? 0 : 1);
}

void kmain(void)
{
	/* The arch's early console is up (see arch_pv_native), so the banner can
	 * come first, before anything the hypervisor detection prints. */
	kprintf("machv %s (%s) booting via %s\n", MACHV_VERSION, arch_name(), boot_info.loader);
	pv_init();
	cmdline_init(boot_info.cmdline);
	print_boot_info();
	kprintf("pv: clock %s, timer %s, console %s\n",
		pv_ops.clock_name, pv_ops.timer_name, pv_ops.console_name);

	vm_boot_init(BOOT_DIRECT_MAP_END);
	kmem_init(&kmem_page_backend);
	kmap_init();
	vm_boot_add_high();
	print_memory();

	arch_init_platform();
	arch_irq_enable();
	virtio_init();
	arch_probe_devices();
	device_init();
	rtc_set_time_of_day();
	kprintf("machv: up in %llu us\n", (unsigned long long)(clock_ns() / 1000));

	sched_init();
	run_boot_actions();

	size_t len;
	if (cmdline_find(cmdline_raw(), "ktest", &len)) {
		struct thread *t = thread_create_kernel("ktest", ktest_thread, NULL, SCHED_PRIO_KERNEL);
		if (!t)
			panic("no memory for the self-test thread");
		thread_start(t);
		thread_exit(0);
	}
	/* init= programs from the initrd, or GNU Mach-style boot modules. */
	if (boot_has_programs())
		run_programs();
	console_echo_loop();
}
