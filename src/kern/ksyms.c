/* Kernel symbol lookup for backtraces.  The table is generated at link time
 * (scripts/gen-ksyms.awk): a count, then sorted { address, name offset }
 * pairs, then the NUL-terminated names. */
#include <kern/arch.h>

struct ksym_entry {
	uint64_t addr;
	uint64_t name_off;
};

extern const uint64_t ksyms_table[];

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
	uint64_t n = ksyms_table[0];
	const struct ksym_entry *e = (const struct ksym_entry *)&ksyms_table[1];
	const char *names = (const char *)&e[n];

	if (n == 0 || addr < e[0].addr)
		return NULL;
	/* Binary search for the last entry with e.addr <= addr. */
	uint64_t lo = 0, hi = n;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (e[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	extern char _etext[];
	if (addr >= (uintptr_t)_etext)
		return NULL;
	*offset = addr - e[lo].addr;
	return names + e[lo].name_off;
}
