/* Frame-pointer backtraces.  The kernel is built with frame pointers on
 * every arch; <machine/frame.h> says where a frame record keeps the
 * caller's frame pointer and the return address relative to the frame
 * pointer. */
#include <kern/arch.h>
#include <kern/backtrace.h>
#include <kern/printf.h>
#include <machine/frame.h>

#define BACKTRACE_DEPTH_MAX 32

__attribute__((noinline)) void backtrace_print(uintptr_t pc, uintptr_t fp)
{
	if (!fp) {
		/* Start at our caller: its pc is our return address, its frame
		 * the one our frame record links to. */
		uint64_t caller_fp;
		uintptr_t own = (uintptr_t)__builtin_frame_address(0);
		if (!arch_probe_read64((void *)(own + FRAME_PREV_FP), &caller_fp))
			return;
		fp = caller_fp;
		pc = (uintptr_t)__builtin_return_address(0);
	}
	kprintf("  backtrace:\n");
	for (int depth = 0; depth < BACKTRACE_DEPTH_MAX && pc; depth++) {
		/* Frames after the first hold return addresses, which point past
		 * the call: after a call to a noreturn function that is already
		 * the next function, so look up the call instruction instead. */
		uintptr_t lookup = depth ? pc - 1 : pc;
		uintptr_t off;
		const char *sym = ksym_lookup(lookup, &off);
		kprintf("    #%-2d %016lx %s+%#lx\n", depth, (unsigned long)pc,
			sym ? sym : "?", sym ? (unsigned long)(off + (pc - lookup)) : 0UL);
		uint64_t next_fp, ret;
		if (!fp || (fp & 7) ||
		    !arch_probe_read64((void *)(fp + FRAME_PREV_FP), &next_fp) ||
		    !arch_probe_read64((void *)(fp + FRAME_RETURN_ADDR), &ret) ||
		    next_fp <= fp)
			break;
		fp = next_fp;
		pc = ret;
	}
}
