/* Device tree questions the arch ports ask at boot: memory, reservations,
 * /chosen, the console, the timebase, PSCI, cpus and devices.  Built only on
 * the public reader in dt.c (kern/dt.h). */
#include <kern/dt.h>
#include <kern/errno.h>

static bool prop_is(const void *blob, int node, const char *name,
		    const char *want)
{
	const char *s = dt_prop_string(blob, node, name);
	if (!s)
		return false;
	while (*s && *s == *want) {
		s++;
		want++;
	}
	return *s == *want;
}

/* Report each non-empty reg range of node; returns how many or an error. */
static int report_reg(const void *blob, int node, dt_range_fn fn, void *arg)
{
	int count = 0;
	for (int i = 0;; i++) {
		paddr_t base;
		uint64_t size;
		int r = dt_reg(blob, node, i, &base, &size);
		if (r == K_ENOENT)
			return count;
		if (r < 0)
			return r;
		if (size) {
			fn(base, size, arg);
			count++;
		}
	}
}

int dt_memory(const void *blob, dt_range_fn fn, void *arg)
{
	int count = 0, depth = 0;
	int n = dt_root(blob);

	if (!fn)
		return K_EINVAL;
	for (; n >= 0; n = dt_next_node(blob, n, &depth)) {
		if (!prop_is(blob, n, "device_type", "memory") ||
		    !dt_node_enabled(blob, n))
			continue;
		int r = report_reg(blob, n, fn, arg);
		if (r < 0)
			return r;
		count += r;
	}
	return n == K_ENOENT ? count : n;
}

int dt_reserved(const void *blob, dt_range_fn fn, void *arg)
{
	int count = 0, r;
	uint64_t addr, size;

	if (!fn)
		return K_EINVAL;
	for (int i = 0; (r = dt_mem_rsv(blob, i, &addr, &size)) == 0; i++) {
		if (size) {
			fn(addr, size, arg);
			count++;
		}
	}
	if (r != K_ENOENT)
		return r;

	int resv = dt_find_path(blob, "/reserved-memory");
	if (resv == K_ENOENT)
		return count;
	if (resv < 0)
		return resv;
	int n = dt_first_child(blob, resv);
	for (; n >= 0; n = dt_next_sibling(blob, n)) {
		/* Regions without reg are allocated by the OS ("size" +
		 * "alloc-ranges"): nothing is reserved yet. */
		if (!dt_node_enabled(blob, n))
			continue;
		r = report_reg(blob, n, fn, arg);
		if (r < 0)
			return r;
		count += r;
	}
	return n == K_ENOENT ? count : n;
}

int dt_chosen(const void *blob, const char **bootargs, paddr_t *initrd_start,
	      paddr_t *initrd_end)
{
	uint64_t start = 0, end = 0;
	int r = 0;

	if (bootargs)
		*bootargs = NULL;
	if (initrd_start)
		*initrd_start = 0;
	if (initrd_end)
		*initrd_end = 0;
	int chosen = dt_find_path(blob, "/chosen");
	if (chosen < 0)
		return chosen;

	if (bootargs) {
		*bootargs = dt_prop_string(blob, chosen, "bootargs");
		if (!*bootargs && dt_getprop(blob, chosen, "bootargs", NULL))
			r = K_EINVAL;
	}
	int rs = dt_prop_u64(blob, chosen, "linux,initrd-start", &start);
	int re = dt_prop_u64(blob, chosen, "linux,initrd-end", &end);
	if (rs == K_ENOENT && re == K_ENOENT)
		return r;
	if (rs < 0 || re < 0 || end < start)
		return K_EINVAL;
	if (initrd_start)
		*initrd_start = start;
	if (initrd_end)
		*initrd_end = end;
	return r;
}

int dt_stdout_node(const void *blob, const char **options)
{
	if (options)
		*options = NULL;
	int chosen = dt_find_path(blob, "/chosen");
	if (chosen < 0)
		return chosen;
	const char *path = dt_prop_string(blob, chosen, "stdout-path");
	if (!path)
		path = dt_prop_string(blob, chosen, "linux,stdout-path");
	if (!path)
		return K_ENOENT;

	/* "serial0:115200n8": the options follow the first ':'. */
	size_t len = 0;
	while (path[len] && path[len] != ':')
		len++;
	if (options && path[len] == ':')
		*options = path + len + 1;
	return dt_find_path_len(blob, path, len);
}

int dt_timebase_frequency(const void *blob, uint64_t *hz)
{
	int cpus = dt_find_path(blob, "/cpus");
	if (cpus < 0)
		return cpus;
	int r = dt_prop_u64(blob, cpus, "timebase-frequency", hz);
	if (r != K_ENOENT)
		return r;
	int cpu = dt_cpu_next(blob, -1, NULL);
	if (cpu < 0)
		return cpu;
	return dt_prop_u64(blob, cpu, "timebase-frequency", hz);
}

int dt_psci_method(const void *blob)
{
	int n = dt_find_compatible(blob, -1, "arm,psci-1.0");
	if (n == K_ENOENT)
		n = dt_find_compatible(blob, -1, "arm,psci-0.2");
	if (n == K_ENOENT) {
		/* PSCI 0.1 numbers its functions per machine: not supported. */
		n = dt_find_compatible(blob, -1, "arm,psci");
		return n < 0 ? n : K_ENODEV;
	}
	if (n < 0)
		return n;
	if (!dt_node_enabled(blob, n))
		return K_ENODEV;
	if (prop_is(blob, n, "method", "hvc"))
		return DT_PSCI_HVC;
	if (prop_is(blob, n, "method", "smc"))
		return DT_PSCI_SMC;
	return K_EINVAL;
}

int dt_cpu_next(const void *blob, int after, uint64_t *id)
{
	int n;
	if (after < 0) {
		int cpus = dt_find_path(blob, "/cpus");
		if (cpus < 0)
			return cpus;
		n = dt_first_child(blob, cpus);
	} else {
		n = dt_next_sibling(blob, after);
	}
	for (; n >= 0; n = dt_next_sibling(blob, n)) {
		if (!prop_is(blob, n, "device_type", "cpu") ||
		    !dt_node_enabled(blob, n))
			continue;
		int r = dt_reg_raw(blob, n, 0, id, NULL);
		return r < 0 ? r : n;
	}
	return n;
}

int dt_device_next(const void *blob, int after, const char *compat,
		   struct dt_device *dev)
{
	int n = after;
	do {
		n = dt_find_compatible(blob, n, compat);
		if (n < 0)
			return n;
	} while (!dt_node_enabled(blob, n));

	dev->node = n;
	dev->base = 0;
	dev->size = 0;
	int r = dt_reg(blob, n, 0, &dev->base, &dev->size);
	if (r < 0 && r != K_ENOENT)
		return r;

	dev->irq_cells = 0;
	dev->irq_controller = -1;
	r = dt_interrupt(blob, n, 0, dev->irq, &dev->irq_cells,
			 &dev->irq_controller);
	if (r < 0 && r != K_ENOENT)
		return r;
	return n;
}
