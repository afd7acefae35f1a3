/* Kernel services for the IPC host tests (see ipc_host_stubs.h).  Every
 * block carries its size in a header so frees can be counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <kern/kmem.h>
#include <kern/errno.h>
#include <kern/panic.h>
#include "ipc_host_stubs.h"

size_t stub_live_allocs, stub_live_bytes, stub_biggest;
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
