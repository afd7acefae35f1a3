/* Real-time clocks a device tree describes (see kern/rtc.h):
 *   - the Arm PrimeCell PL031 ("arm,pl031"; QEMU's aarch64 virt): RTCDR,
 *     the data register at offset 0, counts seconds since the epoch;
 *   - the Goldfish RTC ("google,goldfish-rtc"; QEMU's riscv64 virt):
 *     nanoseconds since the epoch, read low word first (TIME_LOW at 0,
 *     which latches the high word into TIME_HIGH at 4).
 * Both start at the host's time in QEMU.  The first enabled one found is
 * registered. */
#include <kern/arch.h>
#include <kern/dt.h>
#include <kern/errno.h>
#include <kern/rtc.h>
#include <kern/timer.h>
#include <machine/io.h>

#define PL031_DR        0x00
#define GOLDFISH_LOW    0x00
#define GOLDFISH_HIGH   0x04
#define RTC_WINDOW      0x1000

static int pl031_read_ns(const struct rtc *rtc, int64_t *unix_ns)
{
	*unix_ns = (int64_t)mmio_read32((volatile uint8_t *)rtc->regs + PL031_DR) *
		   (int64_t)NSEC_PER_SEC;
	return K_OK;
}

static int goldfish_read_ns(const struct rtc *rtc, int64_t *unix_ns)
{
	volatile uint8_t *regs = rtc->regs;
	uint64_t low = mmio_read32(regs + GOLDFISH_LOW);
	uint64_t high = mmio_read32(regs + GOLDFISH_HIGH);
	uint64_t ns = high << 32 | low;
	if (ns > (uint64_t)INT64_MAX)
		return K_EIO;
	*unix_ns = (int64_t)ns;
	return K_OK;
}

static struct rtc clocks[] = {
	{ .name = "PL031", .read_ns = pl031_read_ns },
	{ .name = "Goldfish RTC", .read_ns = goldfish_read_ns },
};
static const char *const compatible[] = { "arm,pl031", "google,goldfish-rtc" };

void rtc_probe_dt(const void *dtb)
{
	for (unsigned i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		struct dt_device dev;
		if (dt_device_next(dtb, -1, compatible[i], &dev) < 0 || dev.base == 0)
			continue;
		size_t len = dev.size && dev.size < RTC_WINDOW ? (size_t)dev.size : RTC_WINDOW;
		void *regs = ioremap(dev.base, len);
		if (regs == NULL)
			continue;
		clocks[i].regs = regs;
		rtc_register(&clocks[i]);
		return;
	}
}
