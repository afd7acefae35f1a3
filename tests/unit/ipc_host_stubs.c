/* Kernel services for the IPC host tests (see ipc_host_stubs.h).  Every
 * block carries its size in a header so frees can be counted.  Pages are
 * aligned malloc blocks (phys_to_virt is the identity in the host build),
 * filled with garbage like kmalloc's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <kern/arch.h>
#include <kern/kmem.h>
#include <kern/page_alloc.h>
#include <machine/param.h>
#include <kern/errno.h>
#include <kern/panic.h>
#include "ipc_host_stubs.h"

size_t stub_live_allocs, stub_live_bytes, stub_biggest, stub_live_pages;
long stub_fail_after = -1;

void *kmalloc(size_t size)
{
	if (size == 0 || size > KMALLOC_MAX)
		return NULL;   /* the kernel's limit: larger requests fail there too */
	if (stub_fail_after == 0)
		return NULL;
	if (stub_fail_after > 0)
		stub_fail_after--;
	size_t *p = malloc(size + 16);
	if (p == NULL)
		return NULL;
	p[0] = size;
	stub_live_allocs++;
	stub_live_bytes += size;
	if (size > stub_biggest)
		stub_biggest = size;
	memset(p + 2, 0xa5, size);  /* catch reliance on zeroed kmalloc memory */
	return p + 2;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

int kfree(void *ptr)
{
	if (ptr == NULL)
		return K_OK;
	size_t *p = (size_t *)ptr - 2;
	stub_live_allocs--;
	stub_live_bytes -= p[0];
	free(p);
	return K_OK;
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

paddr_t page_alloc(unsigned order)
{
	void *p = aligned_alloc(PAGE_SIZE, (size_t)PAGE_SIZE << order);
	if (p == NULL)
		return PADDR_NONE;
	memset(p, 0x5a, (size_t)PAGE_SIZE << order);
	stub_live_pages += (size_t)1 << order;
	return (paddr_t)(uintptr_t)p;
}

int page_free(paddr_t pa, unsigned order)
{
	stub_live_pages -= (size_t)1 << order;
	free((void *)(uintptr_t)pa);
	return 0;
}

paddr_t virt_to_phys(const void *va)
{
	return (paddr_t)(uintptr_t)va;
}

/* One thread, no interrupts: there is nothing to mask. */
irqflags_t arch_irq_save(void)
{
	return 0;
}

void arch_irq_restore(irqflags_t flags)
{
	(void)flags;
}
