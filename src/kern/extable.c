/* Exception-table lookup (see kern/extable.h).  The table is short (a few
 * probe and user-copy instructions), so a linear search is enough. */
#include <kern/extable.h>

extern const struct extable_entry __extable_start[], __extable_end[];

uintptr_t extable_fixup(uintptr_t pc)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
		if (e->fault_pc == pc)
			return e->fixup_pc;
	return 0;
}
