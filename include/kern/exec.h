/* Starting a program: a static ELF64 image becomes a new task with one
 * thread.
 *
 * The task's address space after loading:
 *   - one region per PT_LOAD segment, page-rounded, with the segment's
 *     protection (W^X), its file bytes copied in and the rest zero;
 *   - the stack: EXEC_STACK_SIZE bytes of read/write memory ending at
 *     EXEC_STACK_TOP; the EXEC_STACK_GAP between its top and USER_END stays
 *     unmapped.  Pages are faulted in as the program touches them.
 *
 * The initial stack is GNU Mach's (kern/bootstrap.c build_args_and_stack):
 * at the initial sp, 16-byte aligned,
 *     sp + 0             argc
 *     sp + 8             argv[0] ... argv[argc-1], NULL
 *     then               envp[0] ... envp[envc-1], NULL
 *     then               the strings they point to
 * each slot 8 bytes.  The first argument register also holds sp, so a C
 * entry point can take it as a parameter. */
#ifndef KERN_EXEC_H
#define KERN_EXEC_H

#include <kern/types.h>
#include <machine/param.h>

struct task;
struct vm_map;

#define EXEC_STACK_GAP   (16UL << 20)
#define EXEC_STACK_TOP   (USER_END - EXEC_STACK_GAP)
#define EXEC_STACK_SIZE  (256UL << 10)
#define EXEC_STACK_BASE  (EXEC_STACK_TOP - EXEC_STACK_SIZE)

#define EXEC_ARGC_MAX    64      /* arguments */
#define EXEC_ARGS_BYTES  4096    /* their strings, NULs included */

/* What a program starts with: argv and envp (each at most EXEC_ARGC_MAX
 * entries; all their strings together at most EXEC_ARGS_BYTES). */
struct exec_strings {
	int argc;
	char **argv;
	int envc;
	char **envp;
};

/* Load image into a new task named name and start its thread at priority
 * prio with argv[0..argc-1].  Returns the task, or NULL with *err set (a
 * K_E* code) and a one-line reason printed on the console. */
struct task *exec_program(const void *image, size_t size, const char *name, int argc,
			  char **argv, unsigned prio, int *err);

/* exec_program with an environment, and a hook called on the new, empty
 * task before anything is loaded: it may give the task port rights and
 * put their names in strings (which must then stay valid until the call
 * returns).  A hook's error (K_E*) ends the start. */
typedef int (*exec_prepare_fn)(struct task *task, struct exec_strings *strings, void *arg);
struct task *exec_program_prepared(const void *image, size_t size, const char *name,
				   struct exec_strings *strings, exec_prepare_fn prepare,
				   void *arg, unsigned prio, int *err);

/* The loading step alone, into an existing empty map: segments, stack and
 * arguments (exec_load: no environment).  Gives the entry point and the
 * initial stack pointer; *why gets a reason on failure.  (exec_program's
 * first half; the self-tests call it on a bare map.) */
int exec_load(struct vm_map *map, const void *image, size_t size, int argc, char **argv,
	      uintptr_t *entry, uintptr_t *sp, const char **why);
int exec_load_strings(struct vm_map *map, const void *image, size_t size,
		      const struct exec_strings *strings, uintptr_t *entry, uintptr_t *sp,
		      const char **why);

/* The ELF e_machine of the running architecture. */
unsigned exec_elf_machine(void);

#endif
