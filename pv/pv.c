/* The paravirt ops table and its one-time fill at boot. */
#include "pv/pv.h"
#include "hv/hv.h"

struct pv_ops pv_ops;

void pv_init(void)
{
	arch_pv_native(&pv_ops);
	hv_init(&pv_ops);
}
