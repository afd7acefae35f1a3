/* The SBI call layer and the boot-time probe (hv/sbi/sbi.h).
 *
 * Calling convention (SBI spec, chapter 3): a7 = extension id, a6 =
 * function id, a0..a5 = arguments; the firmware returns error in a0 and
 * value in a1 and preserves every other register.  Legacy v0.1 calls take
 * the extension id alone in a7 and return a single value in a0. */
#include <kern/errno.h>
#include <kern/printf.h>
#include "hv/sbi/sbi.h"

struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long arg0,
		       unsigned long arg1, unsigned long arg2, unsigned long arg3,
		       unsigned long arg4, unsigned long arg5)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a2 __asm__("a2") = arg2;
	register unsigned long a3 __asm__("a3") = arg3;
	register unsigned long a4 __asm__("a4") = arg4;
	register unsigned long a5 __asm__("a5") = arg5;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = ext;
	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1)
			 : "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6), "r"(a7)
			 : "memory");
	return (struct sbiret){ .error = (long)a0, .value = (long)a1 };
}

long sbi_legacy_call(unsigned long ext, unsigned long arg0)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a7 __asm__("a7") = ext;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "a1", "memory");
	return (long)a0;
}

int sbi_errno(long e)
{
	switch (e) {
	case SBI_SUCCESS: return K_OK;
	case SBI_ERR_NOT_SUPPORTED: return K_ENODEV;
	case SBI_ERR_INVALID_PARAM: return K_EINVAL;
	case SBI_ERR_INVALID_ADDRESS: return K_EFAULT;
	case SBI_ERR_DENIED: return K_EBUSY;
	case SBI_ERR_ALREADY_AVAILABLE:
	case SBI_ERR_ALREADY_STARTED:
	case SBI_ERR_ALREADY_STOPPED: return K_EEXIST;
	default: return K_EIO;
	}
}

/* --- probing ---------------------------------------------------------- */

static const struct {
	unsigned long id;
	const char *name;
} probed[SBI_NEXT] = {
	[SBI_TIME] = { SBI_EXT_TIME, "TIME" },
	[SBI_IPI] = { SBI_EXT_IPI, "IPI" },
	[SBI_RFENCE] = { SBI_EXT_RFENCE, "RFENCE" },
	[SBI_HSM] = { SBI_EXT_HSM, "HSM" },
	[SBI_SRST] = { SBI_EXT_SRST, "SRST" },
	[SBI_DBCN] = { SBI_EXT_DBCN, "DBCN" },
};

static bool has[SBI_NEXT];
static unsigned long spec_version = 1;     /* 0.1 until BASE says otherwise */
static long impl_id = -1;
static unsigned long impl_version;

static struct sbiret base_call(unsigned long fid, unsigned long arg)
{
	return sbi_call(SBI_EXT_BASE, fid, arg, 0, 0, 0, 0, 0);
}

void sbi_init(void)
{
	struct sbiret r = base_call(SBI_BASE_GET_SPEC_VERSION, 0);
	/* A v0.1 SBI has no BASE extension: the call fails (or returns
	 * garbage with the top bit of the version field set, which is
	 * reserved). */
	if (r.error != SBI_SUCCESS || r.value <= 0)
		return;
	spec_version = (unsigned long)r.value & 0x7fffffff;
	r = base_call(SBI_BASE_GET_IMPL_ID, 0);
	impl_id = r.error == SBI_SUCCESS ? r.value : -1;
	r = base_call(SBI_BASE_GET_IMPL_VERSION, 0);
	impl_version = r.error == SBI_SUCCESS ? (unsigned long)r.value : 0;
	for (unsigned i = 0; i < SBI_NEXT; i++) {
		r = base_call(SBI_BASE_PROBE_EXT, probed[i].id);
		has[i] = r.error == SBI_SUCCESS && r.value != 0;
	}
}

bool sbi_has(enum sbi_ext_index ext) { return ext < SBI_NEXT && has[ext]; }
unsigned long sbi_spec_version(void) { return spec_version; }
long sbi_impl_id(void) { return impl_id; }
unsigned long sbi_impl_version(void) { return impl_version; }

const char *sbi_impl_name(long id)
{
	static const char *const names[] = {
		[SBI_IMPL_BBL] = "BBL",
		[SBI_IMPL_OPENSBI] = "OpenSBI",
		[SBI_IMPL_XVISOR] = "Xvisor",
		[SBI_IMPL_KVM] = "KVM",
		[SBI_IMPL_RUSTSBI] = "RustSBI",
		[SBI_IMPL_DIOSIX] = "Diosix",
		[SBI_IMPL_COFFER] = "Coffer",
		[SBI_IMPL_XEN] = "Xen",
		[SBI_IMPL_POLARFIRE_HSS] = "PolarFire HSS",
		[SBI_IMPL_COREBOOT] = "coreboot",
		[SBI_IMPL_OREBOOT] = "oreboot",
		[SBI_IMPL_BHYVE] = "bhyve",
	};
	if (id < 0 || (unsigned long)id >= ARRAY_SIZE(names))
		return NULL;
	return names[id];
}

/* Each implementation encodes its version its own way. */
static int describe_impl(char *buf, size_t len)
{
	const char *name = sbi_impl_name(impl_id);
	unsigned long v = impl_version;
	if (impl_id == SBI_IMPL_OPENSBI)
		return ksnprintf(buf, len, "OpenSBI %lu.%lu", v >> 16, v & 0xffff);
	if (impl_id == SBI_IMPL_KVM)   /* Linux's LINUX_VERSION_CODE */
		return ksnprintf(buf, len, "KVM (Linux %lu.%lu.%lu)", (v >> 16) & 0xff,
				 (v >> 8) & 0xff, v & 0xff);
	if (name)
		return ksnprintf(buf, len, "%s version %#lx", name, v);
	return ksnprintf(buf, len, "implementation %ld version %#lx", impl_id, v);
}

void sbi_describe(char *buf, size_t len)
{
	if (impl_id < 0 && spec_version == 1) {
		ksnprintf(buf, len, "legacy SBI v0.1 (no BASE extension)");
		return;
	}
	size_t n = (size_t)describe_impl(buf, len);
	if (n < len)
		n += (size_t)ksnprintf(buf + n, len - n, ", SBI v%lu.%lu, extensions:",
				       spec_version >> 24, spec_version & 0xffffff);
	bool any = false;
	for (unsigned i = 0; i < SBI_NEXT && n < len; i++) {
		if (has[i]) {
			n += (size_t)ksnprintf(buf + n, len - n, " %s", probed[i].name);
			any = true;
		}
	}
	if (!any && n < len)
		ksnprintf(buf + n, len - n, " none (legacy calls only)");
}

/* --- services --------------------------------------------------------- */

void sbi_set_timer(uint64_t stime_value)
{
	if (has[SBI_TIME])
		sbi_call(SBI_EXT_TIME, 0, stime_value, 0, 0, 0, 0, 0);
	else
		sbi_legacy_call(SBI_EXT_LEGACY_SET_TIMER, stime_value);
}

void sbi_console_putc(char c)
{
	if (has[SBI_DBCN])
		sbi_call(SBI_EXT_DBCN, 2, (unsigned char)c, 0, 0, 0, 0, 0);
	else
		sbi_legacy_call(SBI_EXT_LEGACY_PUTCHAR, (unsigned char)c);
}

int sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
	if (!has[SBI_IPI])
		return K_ENODEV;
	return sbi_errno(sbi_call(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0, 0, 0, 0).error);
}

int sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base,
			  unsigned long start, unsigned long size)
{
	if (!has[SBI_RFENCE])
		return K_ENODEV;
	return sbi_errno(sbi_call(SBI_EXT_RFENCE, 1, hart_mask, hart_mask_base,
				  start, size, 0, 0).error);
}

int sbi_hart_start(unsigned long hartid, paddr_t start_addr, unsigned long opaque)
{
	if (!has[SBI_HSM])
		return K_ENODEV;
	return sbi_errno(sbi_call(SBI_EXT_HSM, 0, hartid, start_addr, opaque, 0, 0, 0).error);
}

int sbi_hart_status(unsigned long hartid)
{
	if (!has[SBI_HSM])
		return K_ENODEV;
	struct sbiret r = sbi_call(SBI_EXT_HSM, 2, hartid, 0, 0, 0, 0, 0);
	return r.error ? sbi_errno(r.error) : (int)r.value;
}

int sbi_system_reset(unsigned type, unsigned reason)
{
	int err = K_ENODEV;
	if (has[SBI_SRST])
		err = sbi_errno(sbi_call(SBI_EXT_SRST, 0, type, reason, 0, 0, 0, 0).error);
	/* The legacy call is the last resort, and can only power off. */
	if (type == SBI_SRST_SHUTDOWN)
		sbi_legacy_call(SBI_EXT_LEGACY_SHUTDOWN, 0);
	return err;
}
