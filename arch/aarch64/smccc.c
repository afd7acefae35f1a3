/* SMCCC calls through the conduit the device tree names (<machine/smccc.h>).
 *
 * The hvc/smc instruction has an exception-table entry: if nothing below
 * implements the conduit (an hvc where no EL2 exists is UNDEFINED), the
 * call reads as NOT_SUPPORTED instead of taking the kernel down.  Registers
 * x4-x17 may be clobbered by SMCCC 1.0 implementations. */
#include <kern/arch.h>
#include <machine/cpu.h>
#include <machine/smccc.h>

static enum smccc_conduit conduit;

void smccc_set_conduit(enum smccc_conduit c) { conduit = c; }
enum smccc_conduit smccc_conduit(void) { return conduit; }

#define SMCCC_ASM(insn)                                                        \
	__asm__ volatile("1: " insn " #0\n"                                    \
			 "   b 3f\n"                                           \
			 "2: mov x0, #-1\n"                                    \
			 "3:\n" EXTABLE_ENTRY(1b, 2b)                          \
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)              \
			 :                                                     \
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",   \
			   "x12", "x13", "x14", "x15", "x16", "x17", "memory")

struct smccc_res smccc_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	switch (conduit) {
	case SMCCC_CONDUIT_HVC:
		SMCCC_ASM("hvc");
		break;
	case SMCCC_CONDUIT_SMC:
		SMCCC_ASM("smc");
		break;
	default:
		return (struct smccc_res){ .a0 = (uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED };
	}
	return (struct smccc_res){ x0, x1, x2, x3 };
}
