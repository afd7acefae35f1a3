/* Copying to and from the current task's memory (see kern/uaccess.h).
 *
 * Two checks come before the arch's copy routine touches anything:
 *   - the range lies inside [USER_BASE, USER_END) without wrapping, so a
 *     task can never name kernel memory;
 *   - the regions of the active map cover it with the rights the copy needs
 *     (read for copyin, write for copyout).  The page tables alone cannot
 *     say this on every arch: a page of a region protected to "none" stays
 *     mapped for the kernel only, and the kernel could read it.
 * The copy itself may still fault on a page not yet present; the arch's
 * fault path then calls uaccess_fault(), which faults it in, or turns the
 * fault into K_EFAULT. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/uaccess.h>
#include <kern/vm_map.h>
#include <kern/vm_region.h>

static bool in_user_space(uintptr_t u, size_t len)
{
	return u >= USER_BASE && u < USER_END && len <= USER_END - u;
}

static int check(uintptr_t u, size_t len, unsigned prot)
{
	if (!in_user_space(u, len) || !vm_map_range_allows(vm_map_current(), u, len, prot))
		return K_EFAULT;
	return K_OK;
}

int copyin(void *dst, uintptr_t usrc, size_t len)
{
	if (len == 0)
		return K_OK;
	int rc = check(usrc, len, PROT_R);
	return rc != K_OK ? rc : arch_copy_from_user(dst, (const void *)usrc, len);
}

int copyout(uintptr_t udst, const void *src, size_t len)
{
	if (len == 0)
		return K_OK;
	int rc = check(udst, len, PROT_W);
	return rc != K_OK ? rc : arch_copy_to_user((void *)udst, src, len);
}

/* Page by page, so the copy never reads beyond the page holding the NUL
 * (the next page may legitimately not exist). */
int copyinstr(char *dst, uintptr_t usrc, size_t max)
{
	if (max == 0)
		return K_ENOSPC;
	if (max > (size_t)INT32_MAX)
		max = INT32_MAX;     /* the length must fit the return value */
	size_t done = 0;
	while (done < max) {
		uintptr_t u = usrc + done;
		size_t chunk = MIN(max - done, PAGE_SIZE - (u & (PAGE_SIZE - 1)));
		if (u < usrc)
			return K_EFAULT;  /* wrapped */
		int rc = check(u, chunk, PROT_R);
		if (rc == K_OK)
			rc = arch_copy_from_user(dst + done, (const void *)u, chunk);
		if (rc != K_OK)
			return rc;
		for (size_t i = 0; i < chunk; i++)
			if (dst[done + i] == '\0')
				return (int)(done + i);
		done += chunk;
	}
	dst[max - 1] = '\0';
	return K_ENOSPC;
}

bool uaccess_fault(uintptr_t va, unsigned access)
{
	/* The map the MMU was walking, which is the current task's whenever a
	 * copy routine runs on its behalf. */
	return vm_fault(vm_map_current(), va, access) == K_OK;
}
