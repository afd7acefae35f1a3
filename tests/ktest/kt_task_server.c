/* Self-tests of the task and thread routines of mach.defs as the MIG
 * stubs call them (src/kobj/task_server.c, thread_server.c): counts,
 * flavours, special ports, and a thread made, given its registers and
 * started entirely through them. */
#include <ipc/kmsg.h>
#include <ipc/port.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <kern/thread_state.h>
#include <kern/vm_map.h>
#include "kt_threads.h"
#include "src/kobj/routines.h"

#define KT_EXPECT_EQ(a, b) KT_EXPECT((a) == (b))
#define PRIO_TEST_USER 9

/* A task with a page of spin instructions and a stack page. */
static struct task *spin_task(vaddr_t *code, vaddr_t *stack)
{
	struct task *task = task_create("kt-srv");
	if (!task)
		return NULL;
	static uint32_t insn[PAGE_SIZE / 4];
	for (size_t i = 0; i < ARRAY_SIZE(insn); i++)
		insn[i] = ARCH_SPIN_INSN;
	*code = *stack = 0;
	if (vm_allocate(&task->map, code, PAGE_SIZE, true, PROT_RX) != K_OK ||
	    vm_map_write(&task->map, *code, insn, sizeof(insn)) != K_OK ||
	    vm_allocate(&task->map, stack, PAGE_SIZE, true, PROT_RW) != K_OK) {
		task_terminate(task, 0, NULL);
		task_wait(task);
		return NULL;
	}
	return task;
}

static void release_port(struct ipc_port *port)
{
	irqflags_t f = arch_irq_save();
	if (IPC_PORT_VALID(port))
		ipc_port_release_send(port);
	arch_irq_restore(f);
}

KTEST(task_server_thread_lifecycle)
{
	vaddr_t code, stack;
	struct task *task = spin_task(&code, &stack);
	KT_ASSERT(task != NULL);

	/* thread_create: suspended, zero registers. */
	struct thread *t = NULL;
	KT_ASSERT(S_thread_create(task, &t) == KERN_SUCCESS && t != NULL);
	KT_EXPECT_EQ(t->suspend_count, 1u);
	uint32_t words[ARCH_THREAD_STATE_COUNT + 4];
	uint32_t count = ARCH_THREAD_STATE_COUNT - 1;
	KT_EXPECT_EQ(S_thread_get_state(t, ARCH_THREAD_STATE_FLAVOR, words, &count),
		     KERN_INVALID_ARGUMENT);
	count = ARRAY_SIZE(words);
	KT_EXPECT_EQ(S_thread_get_state(t, 77, words, &count), KERN_INVALID_ARGUMENT);
	KT_EXPECT_EQ(S_thread_get_state(t, ARCH_THREAD_STATE_FLAVOR, words, &count), KERN_SUCCESS);
	KT_EXPECT_EQ(count, ARCH_THREAD_STATE_COUNT);
	struct arch_user_state s;
	memcpy(&s, words, sizeof(s));
	KT_EXPECT_EQ(ARCH_USER_STATE_PC(&s), 0u);

	/* thread_set_state + thread_resume start it where we say. */
	arch_user_state_init(&s, code + 8, stack + PAGE_SIZE - 32, 0);
	ARCH_USER_STATE_MARK(&s) = 0xfeed;
	memcpy(words, &s, sizeof(s));
	KT_EXPECT_EQ(S_thread_set_state(t, ARCH_THREAD_STATE_FLAVOR, words, 3),
		     KERN_INVALID_ARGUMENT);
	KT_EXPECT_EQ(S_thread_set_state(t, ARCH_THREAD_STATE_FLAVOR, words,
					ARCH_THREAD_STATE_COUNT), KERN_SUCCESS);
	KT_EXPECT_EQ(S_thread_resume(t), KERN_SUCCESS);
	KT_EXPECT_EQ(S_thread_resume(t), KERN_FAILURE);
	thread_sleep(20 * NSEC_PER_MSEC);
	/* Running free: no registers to be had. */
	count = ARRAY_SIZE(words);
	KT_EXPECT_EQ(S_thread_get_state(t, ARCH_THREAD_STATE_FLAVOR, words, &count), KERN_FAILURE);

	/* thread_info follows it. */
	int32_t info[64];
	count = ARRAY_SIZE(info);
	KT_EXPECT_EQ(S_thread_info(t, 1 /* THREAD_BASIC_INFO */, info, &count), KERN_SUCCESS);
	KT_EXPECT_EQ(count, 32u);
	KT_EXPECT_EQ(info[13], 0);                 /* suspend_count */
	KT_EXPECT_EQ(info[9], SCHED_PRIO_USER);    /* base_priority */
	KT_EXPECT_EQ(S_thread_suspend(t), KERN_SUCCESS);
	count = ARRAY_SIZE(words);
	KT_EXPECT_EQ(S_thread_get_state(t, ARCH_THREAD_STATE_FLAVOR, words, &count), KERN_SUCCESS);
	memcpy(&s, words, sizeof(s));
	KT_EXPECT_EQ(ARCH_USER_STATE_PC(&s), code + 8);
	KT_EXPECT_EQ(ARCH_USER_STATE_MARK(&s), 0xfeedu);
	count = ARRAY_SIZE(info);
	KT_EXPECT_EQ(S_thread_info(t, 1, info, &count), KERN_SUCCESS);
	KT_EXPECT_EQ(info[13], 1);
	KT_EXPECT_EQ(info[11], 2);                 /* run_state: TH_STATE_STOPPED */
	count = ARRAY_SIZE(info);
	KT_EXPECT_EQ(S_thread_info(t, 2 /* THREAD_SCHED_INFO */, info, &count), KERN_SUCCESS);
	KT_EXPECT_EQ(count, 8u);
	KT_EXPECT_EQ(info[2], SCHED_PRIO_USER);
	count = 2;
	KT_EXPECT_EQ(S_thread_info(t, 1, info, &count), KERN_INVALID_ARGUMENT);
	KT_EXPECT_EQ(S_thread_info(t, 99, info, &count), KERN_INVALID_ARGUMENT);

	/* Names and priority. */
	char name[64];
	KT_EXPECT_EQ(S_thread_set_name(t, "spinner"), KERN_SUCCESS);
	KT_EXPECT_EQ(S_thread_get_name(t, name), KERN_SUCCESS);
	KT_EXPECT(strcmp(name, "spinner") == 0);
	KT_EXPECT_EQ(S_thread_priority(t, 20, 0), KERN_SUCCESS);
	KT_EXPECT_EQ(t->base_priority, 20u);
	KT_EXPECT_EQ(S_thread_priority(t, 99, 0), KERN_INVALID_ARGUMENT);

	/* task_threads: one slot, a send right to its port. */
	uintptr_t list = 0;
	count = 0;
	KT_EXPECT_EQ(S_task_threads(task, &list, &count), KERN_SUCCESS);
	KT_EXPECT_EQ(count, 1u);
	if (list) {
		uint64_t slot = 0;
		ipc_ool_read((struct ipc_ool *)list, 0, &slot, sizeof(slot));
		struct ipc_port *p = (struct ipc_port *)(uintptr_t)slot;
		KT_EXPECT(IPC_PORT_VALID(p) && p->kobject == t);
		release_port(p);
		ipc_ool_free((struct ipc_ool *)list);
	}

	/* task_info: suspend count and sizes. */
	count = ARRAY_SIZE(info);
	KT_EXPECT_EQ(S_task_suspend(task), KERN_SUCCESS);
	KT_EXPECT_EQ(S_task_info(task, 1 /* TASK_BASIC_INFO */, info, &count), KERN_SUCCESS);
	KT_EXPECT_EQ(count, 30u);
	KT_EXPECT_EQ(info[0], 1);
	KT_EXPECT(*(uint64_t *)(void *)&info[2] >= 2 * PAGE_SIZE);   /* virtual_size */
	KT_EXPECT_EQ(S_task_resume(task), KERN_SUCCESS);
	KT_EXPECT_EQ(S_task_resume(task), KERN_FAILURE);
	count = ARRAY_SIZE(info);
	KT_EXPECT_EQ(S_task_info(task, 2, info, &count), KERN_SUCCESS);
	KT_EXPECT_EQ(count, 14u);
	count = ARRAY_SIZE(info);
	KT_EXPECT_EQ(S_task_info(task, 3, info, &count), KERN_SUCCESS);
	KT_EXPECT_EQ(count, 16u);
	count = ARRAY_SIZE(info);
	KT_EXPECT_EQ(S_task_info(task, 42, info, &count), KERN_INVALID_ARGUMENT);

	/* thread_abort of a stopped thread leaves it stopped. */
	KT_EXPECT_EQ(S_thread_abort(t), KERN_SUCCESS);
	KT_EXPECT(t->stopped);
	/* thread_terminate: its task ends with its last thread. */
	thread_reference(t);
	KT_EXPECT_EQ(S_thread_terminate(t), KERN_SUCCESS);
	KT_EXPECT_EQ(task_wait(task), 0);
	KT_EXPECT_EQ(S_thread_suspend(t), KERN_INVALID_ARGUMENT);
	count = ARRAY_SIZE(words);
	KT_EXPECT_EQ(S_thread_get_state(t, ARCH_THREAD_STATE_FLAVOR, words, &count),
		     KERN_INVALID_ARGUMENT);
	thread_deallocate(t);
	thread_deallocate(t);   /* the reference S_thread_create gave */
	KT_EXPECT_EQ(S_task_suspend(NULL), KERN_INVALID_ARGUMENT);
	KT_EXPECT_EQ(S_thread_resume(NULL), KERN_INVALID_ARGUMENT);
}

KTEST(task_server_special_ports)
{
	struct task *task = task_create("kt-sp");
	KT_ASSERT(task != NULL);
	struct ipc_port *p = NULL;
	/* The kernel port is the task's own until set. */
	KT_EXPECT_EQ(S_task_get_special_port(task, 1, &p), KERN_SUCCESS);
	KT_EXPECT(p == task->itk_self);
	release_port(p);
	p = NULL;
	KT_EXPECT_EQ(S_task_get_special_port(task, 4, &p), KERN_SUCCESS);
	KT_EXPECT(p == NULL);
	KT_EXPECT_EQ(S_task_get_special_port(task, 2, &p), KERN_INVALID_ARGUMENT);

	/* Set a bootstrap port: a send right the task now holds. */
	struct ipc_port *boot = ipc_port_alloc();
	KT_ASSERT(boot != NULL);
	irqflags_t f = arch_irq_save();
	struct ipc_port *right = ipc_port_make_send(boot);
	arch_irq_restore(f);
	uint32_t srights = boot->srights;
	KT_EXPECT_EQ(S_task_set_special_port(task, 4, right), KERN_SUCCESS);
	KT_EXPECT_EQ(S_task_get_special_port(task, 4, &p), KERN_SUCCESS);
	KT_EXPECT(p == boot);
	KT_EXPECT_EQ(boot->srights, srights + 1);
	release_port(p);

	/* A child made by task_create inherits it. */
	struct task *child = NULL;
	KT_EXPECT_EQ(S_task_create(task, 0, &child), KERN_SUCCESS);
	KT_ASSERT(child != NULL);
	KT_EXPECT(child->itk_bootstrap == boot);
	KT_EXPECT_EQ(child->nthreads, 0u);
	KT_EXPECT_EQ(S_task_set_name(child, "kt-child"), KERN_SUCCESS);
	KT_EXPECT(strcmp(child->name, "kt-child") == 0);
	task_reference(child);
	KT_EXPECT_EQ(S_task_terminate(child), KERN_SUCCESS);
	/* Ending the tasks gives their rights back. */
	KT_EXPECT_EQ(S_task_terminate(task), KERN_SUCCESS);
	task_wait(task);
	uint64_t give_up = clock_ns() + KT_PATIENCE_NS;
	while (!task_gone(child) && clock_ns() < give_up)
		thread_sleep(NSEC_PER_MSEC);
	KT_EXPECT(task_gone(child));
	task_deallocate(child);        /* ours */
	task_deallocate(child);        /* the one S_task_create gave */
	KT_EXPECT_EQ(boot->srights, srights - 1);
	f = arch_irq_save();
	ipc_port_destroy(boot);
	ipc_port_release(boot);
	arch_irq_restore(f);
}

KTEST(task_server_inherit_memory)
{
	vaddr_t code, stack;
	struct task *parent = spin_task(&code, &stack);
	KT_ASSERT(parent != NULL);
	uint64_t magic = 0x1badb002c0ffee11ULL;
	KT_ASSERT(vm_map_write(&parent->map, stack + 64, &magic, sizeof(magic)) == K_OK);
	struct task *child = NULL;
	KT_EXPECT_EQ(S_task_create(parent, 1, &child), KERN_SUCCESS);
	KT_ASSERT(child != NULL);
	uint64_t got = 0;
	KT_EXPECT_EQ(vm_map_read(&child->map, stack + 64, &got, sizeof(got)), K_OK);
	KT_EXPECT_EQ(got, magic);
	uint32_t insn = 0;
	KT_EXPECT_EQ(vm_map_read(&child->map, code, &insn, sizeof(insn)), K_OK);
	KT_EXPECT_EQ(insn, ARCH_SPIN_INSN);
	/* A copy, not a share. */
	uint64_t other = 7;
	KT_EXPECT_EQ(vm_map_write(&child->map, stack + 64, &other, sizeof(other)), K_OK);
	KT_EXPECT_EQ(vm_map_read(&parent->map, stack + 64, &got, sizeof(got)), K_OK);
	KT_EXPECT_EQ(got, magic);
	task_reference(child);
	S_task_terminate(child);
	task_terminate(parent, 0, NULL);
	task_wait(parent);
	uint64_t give_up = clock_ns() + KT_PATIENCE_NS;
	while (!task_gone(child) && clock_ns() < give_up)
		thread_sleep(NSEC_PER_MSEC);
	KT_EXPECT(task_gone(child));
	task_deallocate(child);
	task_deallocate(child);
}
