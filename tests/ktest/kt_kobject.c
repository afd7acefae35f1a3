/* Self-tests of kernel objects as ports (src/kobj): MIG requests built by
 * hand, in GNU Mach's x86_64 layout, sent from a task's space to its own
 * task port and to the host port, with the replies checked word by word.
 * The user-space suite (guests/programs/mt-*.c) drives the same servers
 * through real MIG user stubs; these tests pin the server side down on
 * every architecture without user space. */
#include <ipc/mach_msg.h>
#include <ipc/right.h>
#include <kern/arch.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/vm_region.h>

#define TYPE_INTEGER_32 2
#define TYPE_INTEGER_64 11
#define TYPE_BOOLEAN    0
#define MIG_BAD_ARGUMENTS (-304)

struct word_arg {
	mach_msg_type_t t;
	uint64_t value;         /* a 32-bit value sits in the low half */
};

/* A request of up to four inline scalar arguments, and room for any reply
 * these tests provoke. */
struct request {
	mach_msg_header_t h;
	struct word_arg arg[4];
};

union rpc_buf {
	struct request req;
	struct {
		mach_msg_header_t h;
		mach_msg_type_t ret_type;
		int32_t ret_code, pad;
		uint8_t body[4096];
	} reply;
};

struct kobj_env {
	struct task *task;
	struct ipc_space *space;
	mach_port_name_t self;   /* send right to the task's own port */
	mach_port_name_t reply;  /* a receive right for replies */
};

static bool env_init(struct kobj_env *env)
{
	env->task = task_create("kt-kobject");
	if (env->task == NULL)
		return false;
	env->space = env->task->itk_space;
	env->self = ipc_task_self(env->task);
	env->reply = ipc_reply_port(env->task);
	return env->self != MACH_PORT_NULL && env->reply != MACH_PORT_NULL;
}

static void env_fini(struct kobj_env *env)
{
	task_terminate(env->task, 0, NULL);
	task_wait(env->task);
}

static void put_arg(struct request *r, unsigned i, unsigned type, unsigned bits, uint64_t value)
{
	r->arg[i].t.word = MSGT_WORD(type, bits, true);
	r->arg[i].t.number = 1;
	r->arg[i].value = value;
}

/* Send the request (nargs arguments) to dest with a send-once reply
 * right and receive the reply into the same buffer. */
static mach_msg_return_t rpc(struct kobj_env *env, union rpc_buf *b, mach_port_name_t dest,
			     int32_t id, unsigned nargs)
{
	struct request *r = &b->req;
	r->h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	r->h.msgh_size = (uint32_t)(sizeof(r->h) + nargs * sizeof(struct word_arg));
	r->h.msgh_remote_slot = dest;
	r->h.msgh_protected_payload = env->reply;
	r->h.msgh_seqno = 0;
	r->h.msgh_id = id;
	struct ipc_msg_buf buf = { .user = false, .addr = (uintptr_t)b, .map = &env->task->map };
	return ipc_mach_msg(env->space, buf, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
			    r->h.msgh_size, sizeof(*b), env->reply, 1000, MACH_PORT_NULL);
}

static size_t ports_now(void)
{
	struct ipc_stats s;
	ipc_stats(&s);
	return s.ports;
}

/* mach_port_allocate (3204) and mach_port_type (3201) on one's own task
 * port: a new receive right appears under the name the reply gives. */
KTEST(kobject_mach_port_allocate)
{
	struct kobj_env env;
	KT_ASSERT(env_init(&env));
	static union rpc_buf b;
	memset(&b, 0, sizeof(b));
	put_arg(&b.req, 0, TYPE_INTEGER_32, 32, MACH_PORT_RIGHT_RECEIVE);
	KT_ASSERT(rpc(&env, &b, env.self, 3204, 1) == MACH_MSG_SUCCESS);
	KT_EXPECT(b.reply.h.msgh_id == 3304);
	KT_EXPECT(b.reply.ret_code == KERN_SUCCESS);
	KT_EXPECT(b.reply.h.msgh_size == 64);
	mach_port_name_t name = *(uint32_t *)(void *)(b.reply.body + 8);
	mach_port_type_t type = 0;
	KT_EXPECT(ipc_space_type(env.space, name, &type) == KERN_SUCCESS);
	KT_EXPECT(type == MACH_PORT_TYPE_RECEIVE);

	/* The same through the server: mach_port_type(name). */
	memset(&b, 0, sizeof(b));
	put_arg(&b.req, 0, MACH_MSG_TYPE_PORT_NAME, 32, name);
	KT_ASSERT(rpc(&env, &b, env.self, 3201, 1) == MACH_MSG_SUCCESS);
	KT_EXPECT(b.reply.ret_code == KERN_SUCCESS);
	KT_EXPECT(*(uint32_t *)(void *)(b.reply.body + 8) == MACH_PORT_TYPE_RECEIVE);

	/* An invalid name: the routine's own error comes back. */
	memset(&b, 0, sizeof(b));
	put_arg(&b.req, 0, MACH_MSG_TYPE_PORT_NAME, 32, 0x00abcdefu);
	KT_ASSERT(rpc(&env, &b, env.self, 3201, 1) == MACH_MSG_SUCCESS);
	KT_EXPECT(b.reply.ret_code == KERN_INVALID_NAME);
	KT_EXPECT(b.reply.h.msgh_size == 48);
	env_fini(&env);
}

/* vm_allocate (2021) in the task's map: the region is there afterwards. */
KTEST(kobject_vm_allocate)
{
	struct kobj_env env;
	KT_ASSERT(env_init(&env));
	static union rpc_buf b;
	memset(&b, 0, sizeof(b));
	put_arg(&b.req, 0, TYPE_INTEGER_64, 64, 0);
	put_arg(&b.req, 1, TYPE_INTEGER_64, 64, 3 * PAGE_SIZE);
	put_arg(&b.req, 2, TYPE_BOOLEAN, 32, 1);
	KT_ASSERT(rpc(&env, &b, env.self, 2021, 3) == MACH_MSG_SUCCESS);
	KT_EXPECT(b.reply.h.msgh_id == 2121);
	KT_EXPECT(b.reply.ret_code == KERN_SUCCESS);
	uint64_t addr = *(uint64_t *)(void *)(b.reply.body + 8);
	KT_EXPECT(addr >= USER_BASE && addr % PAGE_SIZE == 0);
	struct vm_region *r = vm_region_lookup(&env.task->map, addr);
	KT_EXPECT(r && r->end - addr >= 3 * PAGE_SIZE);

	/* A fixed address that is taken: KERN_NO_SPACE. */
	memset(&b, 0, sizeof(b));
	put_arg(&b.req, 0, TYPE_INTEGER_64, 64, addr);
	put_arg(&b.req, 1, TYPE_INTEGER_64, 64, PAGE_SIZE);
	put_arg(&b.req, 2, TYPE_BOOLEAN, 32, 0);
	KT_ASSERT(rpc(&env, &b, env.self, 2021, 3) == MACH_MSG_SUCCESS);
	KT_EXPECT(b.reply.ret_code == KERN_NO_SPACE);
	env_fini(&env);
}

/* Malformed requests: a wrong size or type descriptor gets
 * MIG_BAD_ARGUMENTS, an unknown id MIG_BAD_ID; nothing leaks. */
KTEST(kobject_bad_requests)
{
	struct kobj_env env;
	KT_ASSERT(env_init(&env));
	size_t before = ports_now();
	static union rpc_buf b;

	memset(&b, 0, sizeof(b));
	put_arg(&b.req, 0, TYPE_INTEGER_32, 32, MACH_PORT_RIGHT_RECEIVE);
	KT_ASSERT(rpc(&env, &b, env.self, 3204, 2) == MACH_MSG_SUCCESS);   /* too long */
	KT_EXPECT(b.reply.ret_code == MIG_BAD_ARGUMENTS);

	memset(&b, 0, sizeof(b));
	put_arg(&b.req, 0, TYPE_INTEGER_64, 64, MACH_PORT_RIGHT_RECEIVE);  /* wrong type */
	KT_ASSERT(rpc(&env, &b, env.self, 3204, 1) == MACH_MSG_SUCCESS);
	KT_EXPECT(b.reply.ret_code == MIG_BAD_ARGUMENTS);

	memset(&b, 0, sizeof(b));
	KT_ASSERT(rpc(&env, &b, env.self, 999999, 0) == MACH_MSG_SUCCESS);
	KT_EXPECT(b.reply.h.msgh_id == 999999 + 100);
	KT_EXPECT(b.reply.ret_code == MIG_BAD_ID);

	/* A request without a reply port is served and answered to nobody. */
	memset(&b, 0, sizeof(b));
	put_arg(&b.req, 0, TYPE_INTEGER_32, 32, MACH_PORT_RIGHT_DEAD_NAME);
	b.req.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	b.req.h.msgh_size = sizeof(b.req.h) + sizeof(struct word_arg);
	b.req.h.msgh_remote_slot = env.self;
	b.req.h.msgh_id = 3204;
	struct ipc_msg_buf buf = { .user = false, .addr = (uintptr_t)&b, .map = &env.task->map };
	KT_EXPECT(ipc_mach_msg(env.space, buf, MACH_SEND_MSG, b.req.h.msgh_size, 0,
			       MACH_PORT_NULL, 0, MACH_PORT_NULL) == MACH_MSG_SUCCESS);
	KT_EXPECT(ports_now() == before);
	env_fini(&env);
}

/* host_info(HOST_BASIC_INFO) and host_get_kernel_version on the host
 * port; host_reboot is refused on the unprivileged host port. */
KTEST(kobject_host)
{
	struct kobj_env env;
	KT_ASSERT(env_init(&env));
	mach_port_name_t host = ipc_host_self(env.task);
	KT_ASSERT(host != MACH_PORT_NULL);
	static union rpc_buf b;

	memset(&b, 0, sizeof(b));
	put_arg(&b.req, 0, TYPE_INTEGER_32, 32, 1 /* HOST_BASIC_INFO */);
	put_arg(&b.req, 1, TYPE_INTEGER_32, 32, 1024);
	KT_ASSERT(rpc(&env, &b, host, 2638, 2) == MACH_MSG_SUCCESS);
	KT_EXPECT(b.reply.ret_code == KERN_SUCCESS);
	mach_msg_type_t *t = (mach_msg_type_t *)(void *)b.reply.body;
	KT_EXPECT(t->number == 6);
	int32_t *info = (int32_t *)(void *)(b.reply.body + 8);
	KT_EXPECT(info[0] == 1 && info[1] == 1);             /* max, avail cpus */
	KT_EXPECT(*(uint64_t *)(void *)&info[2] >= (16u << 20)); /* memory */
	KT_EXPECT(info[4] == MACHINE_CPU_TYPE);

	memset(&b, 0, sizeof(b));
	KT_ASSERT(rpc(&env, &b, host, 2646, 0) == MACH_MSG_SUCCESS);
	KT_EXPECT(b.reply.ret_code == KERN_SUCCESS);
	KT_EXPECT(memcmp(b.reply.body + 8, "machv ", 6) == 0);

	memset(&b, 0, sizeof(b));
	put_arg(&b.req, 0, TYPE_INTEGER_32, 32, 0);
	KT_ASSERT(rpc(&env, &b, host, 2635, 1) == MACH_MSG_SUCCESS);   /* host_reboot */
	KT_EXPECT(b.reply.ret_code == KERN_INVALID_HOST);
	env_fini(&env);
}

/* A task port outlives its task only as a dead port: a request to it
 * cannot be sent. */
KTEST(kobject_dead_task_port)
{
	struct kobj_env env, victim;
	KT_ASSERT(env_init(&env));
	KT_ASSERT(env_init(&victim));
	/* Give env a send right to the victim's port. */
	mach_port_name_t name;
	irqflags_t f = arch_irq_save();
	struct ipc_port *p = ipc_port_make_send(victim.task->itk_self);
	KT_ASSERT(ipc_right_copyout(env.space, p, MACH_MSG_TYPE_PORT_SEND, true, &name) ==
		  KERN_SUCCESS);
	arch_irq_restore(f);
	env_fini(&victim);

	static union rpc_buf b;
	memset(&b, 0, sizeof(b));
	put_arg(&b.req, 0, TYPE_INTEGER_32, 32, MACH_PORT_RIGHT_RECEIVE);
	KT_EXPECT(rpc(&env, &b, name, 3204, 1) == MACH_SEND_INVALID_DEST);
	env_fini(&env);
}
