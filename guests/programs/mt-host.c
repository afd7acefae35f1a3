/* Mach test suite: the host port - host_info flavours, host_get_time,
 * host_get_uptime64, host_get_kernel_version, and what a plain host
 * port may not do; the privileged host port an init= program gets in its
 * environment (MACHV_HOST_PORT), and what it may do. */
#include <mt.h>
#include <mach_init.h>
#include <mach/host_info.h>
#include <mach/processor_info.h>
#include <mach/time_value.h>
#include "mach.h"
#include "mach_host.h"
#include "mach_port.h"

static mach_port_t host;

static void test_info(void)
{
	host_basic_info_data_t basic;
	host_sched_info_data_t sched;
	mach_msg_type_number_t count;
	integer_t big[64];

	memset(&basic, 0xff, sizeof(basic));
	count = HOST_BASIC_INFO_COUNT;
	if (MT_KR(host_info(host, HOST_BASIC_INFO, (host_info_t)&basic, &count), KERN_SUCCESS,
		  "host_info(HOST_BASIC_INFO)")) {
		mt_eq(count, HOST_BASIC_INFO_COUNT, "the count is HOST_BASIC_INFO_COUNT");
		mt_ok(basic.max_cpus >= 1 && basic.avail_cpus >= 1 &&
		      basic.avail_cpus <= basic.max_cpus,
		      "cpus: %d available of %d", basic.avail_cpus, basic.max_cpus);
		mt_ok(basic.memory_size >= 16 * 1024 * 1024 &&
		      basic.memory_size <= 1024UL * 1024 * 1024 * 1024,
		      "memory size is plausible (%lu bytes)", (unsigned long)basic.memory_size);
	}
	memset(&sched, 0xff, sizeof(sched));
	count = HOST_SCHED_INFO_COUNT;
	if (MT_KR(host_info(host, HOST_SCHED_INFO, (host_info_t)&sched, &count), KERN_SUCCESS,
		  "host_info(HOST_SCHED_INFO)"))
		mt_ok(sched.min_timeout > 0 && sched.min_quantum > 0,
		      "timeout %d ms, quantum %d ms", sched.min_timeout, sched.min_quantum);
	count = 64;
	MT_KR(host_info(host, HOST_LOAD_INFO, big, &count), KERN_SUCCESS,
	      "host_info(HOST_LOAD_INFO)");
	count = 64;
	MT_KR(host_info(host, 999, big, &count), KERN_INVALID_ARGUMENT,
	      "host_info of an unknown flavour: KERN_INVALID_ARGUMENT");
	count = 1;
	MT_KR(host_info(host, HOST_BASIC_INFO, big, &count), KERN_FAILURE,
	      "host_info with too small a count: KERN_FAILURE");
	count = HOST_BASIC_INFO_COUNT;
	/* As in GNU Mach: the host server takes the request and finds no host
	 * behind the port. */
	MT_KR(host_info(mach_task_self(), HOST_BASIC_INFO, (host_info_t)&basic, &count),
	      KERN_INVALID_HOST, "host_info sent to the task port: KERN_INVALID_HOST");
}

static void test_time(void)
{
	time_value_t t1 = { -1, -1 }, t2 = { -1, -1 };
	time_value64_t up1 = { -1, -1 }, up2 = { -1, -1 };
	char version[512];

	if (MT_KR(host_get_time(host, &t1), KERN_SUCCESS, "host_get_time")) {
		mt_ok(t1.microseconds >= 0 && t1.microseconds < 1000000,
		      "microseconds in range (%d)", t1.microseconds);
		/* Set at boot from the machine's real-time clock, which QEMU
		 * starts at the host's time: after 2020-01-01. */
		mt_ok(t1.seconds >= 1577836800, "the time of day is the machine clock's (%ld s)",
		      (long)t1.seconds);
		sleep_ms(30);
		(void)host_get_time(host, &t2);
		mt_ok((long)t2.seconds * 1000000 + t2.microseconds >=
		      (long)t1.seconds * 1000000 + t1.microseconds + 20000,
		      "the time moves on across a 30 ms sleep");
	}
	if (MT_KR(host_get_uptime64(host, &up1), KERN_SUCCESS, "host_get_uptime64")) {
		sleep_ms(20);
		(void)host_get_uptime64(host, &up2);
		mt_ok(up2.seconds * 1000000000LL + up2.nanoseconds >
		      up1.seconds * 1000000000LL + up1.nanoseconds, "uptime increases");
	}
	memset(version, 0, sizeof(version));
	if (MT_KR(host_get_kernel_version(host, version), KERN_SUCCESS,
		  "host_get_kernel_version")) {
		mt_ok(version[0] != '\0', "the version is a string");
		printf("# kernel version: %.100s\n", version);
	}
}

static void test_privileged(void)
{
	time_value_t t = { 0, 0 };

	MT_KR(host_set_time(host, t), KERN_INVALID_HOST,
	      "host_set_time through the plain host port: KERN_INVALID_HOST");
	MT_KR(host_reboot(host, 0), KERN_INVALID_HOST,
	      "host_reboot through the plain host port: KERN_INVALID_HOST");
}

/* The decimal value of NAME=... in envp, or MACH_PORT_NULL. */
static mach_port_t env_port(char **envp, const char *name)
{
	size_t n = strlen(name);
	for (; *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=') {
			unsigned long v = 0;
			for (const char *p = *envp + n + 1; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (unsigned long)(*p - '0');
			return (mach_port_t)v;
		}
	return MACH_PORT_NULL;
}

/* An init= program gets host-priv and the device master (docs/abi.md). */
static void test_boot_ports(char **envp)
{
	mach_port_t priv = env_port(envp, "MACHV_HOST_PORT");
	mach_port_t devices = env_port(envp, "MACHV_DEVICE_PORT");
	mach_port_type_t type = 0;

	if (!mt_ok(MACH_PORT_VALID(priv) && MACH_PORT_VALID(devices),
		   "MACHV_HOST_PORT and MACHV_DEVICE_PORT are in the environment (0x%x, 0x%x)",
		   priv, devices))
		return;
	MT_KR(mach_port_type(mach_task_self(), priv, &type), KERN_SUCCESS,
	      "MACHV_HOST_PORT names a right");
	mt_eq(type, MACH_PORT_TYPE_SEND, "a send right");
	mt_ok(priv != host && devices != host && priv != devices, "three different ports");
	time_value64_t now = { 0, 0 };
	MT_KR(host_get_time64(host, &now), KERN_SUCCESS, "host_get_time64");
	time_value_t t = { (long)now.seconds, 0 };
	MT_KR(host_set_time(priv, t), KERN_SUCCESS, "host_set_time through host-priv");
	MT_KR(host_set_time(devices, t), KERN_INVALID_HOST,
	      "host_set_time through the device master: KERN_INVALID_HOST");
}

/* The processor set: its name for anyone with the host port, its control
 * port (every task) only through host-priv. */
static void test_pset(char **envp)
{
	mach_port_t priv = env_port(envp, "MACHV_HOST_PORT");
	processor_set_name_t name = MACH_PORT_NULL, *names = NULL;
	processor_set_t set = MACH_PORT_NULL;
	mach_msg_type_number_t n = 0;

	if (!MT_KR(processor_set_default(host, &name), KERN_SUCCESS, "processor_set_default"))
		return;
	if (MT_KR(host_processor_sets(host, &names, &n), KERN_SUCCESS, "host_processor_sets")) {
		mt_eq(n, 1, "one processor set");
		if (n >= 1)
			mt_eq(names[0], name, "it is the default set's name port");
		vm_deallocate(mach_task_self(), (vm_address_t)names, n * sizeof(*names));
	}
	processor_set_basic_info_data_t info;
	mach_msg_type_number_t count = PROCESSOR_SET_BASIC_INFO_COUNT;
	host_t info_host = MACH_PORT_NULL;
	if (MT_KR(processor_set_info(name, PROCESSOR_SET_BASIC_INFO, &info_host,
				     (processor_set_info_t)&info, &count), KERN_SUCCESS,
		  "processor_set_info(PROCESSOR_SET_BASIC_INFO)")) {
		mt_eq(info.processor_count, 1, "one processor");
		mt_ok(info.task_count >= 1 && info.thread_count >= 1, "tasks %d, threads %d",
		      info.task_count, info.thread_count);
	}
	MT_KR(host_processor_set_priv(host, name, &set), KERN_INVALID_HOST,
	      "host_processor_set_priv through the plain host port: KERN_INVALID_HOST");
	if (!MACH_PORT_VALID(priv))
		return;
	if (!MT_KR(host_processor_set_priv(priv, name, &set), KERN_SUCCESS,
		   "host_processor_set_priv through host-priv"))
		return;
	task_array_t tasks = NULL;
	mach_msg_type_number_t ntasks = 0;
	if (MT_KR(processor_set_tasks(set, &tasks, &ntasks), KERN_SUCCESS, "processor_set_tasks")) {
		bool self = false;
		for (mach_msg_type_number_t i = 0; i < ntasks; i++) {
			self |= tasks[i] == mach_task_self();
			if (tasks[i] != mach_task_self())
				mach_port_deallocate(mach_task_self(), tasks[i]);
		}
		mt_ok(ntasks >= 1 && self, "the list (%u tasks) holds this task", ntasks);
		vm_deallocate(mach_task_self(), (vm_address_t)tasks, ntasks * sizeof(*tasks));
	}
	MT_KR(processor_set_tasks(name, &tasks, &ntasks), KERN_INVALID_ARGUMENT,
	      "processor_set_tasks on the name port: KERN_INVALID_ARGUMENT");
}

int main(int argc, char **argv, char **envp)
{
	mt_begin("mt-host");
	host = mach_host_self();
	mt_ok(MACH_PORT_VALID(host), "mach_host_self gives a name (0x%x)", host);
	test_info();
	test_time();
	test_privileged();
	test_boot_ports(envp);
	test_pset(envp);
	return mt_end();
}
