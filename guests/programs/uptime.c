/* uptime: how long since boot (host_get_uptime64 on the host port). */
#include "sh-util.h"
#include <mach_init.h>
#include <mach/time_value.h>
#include "mach_host.h"

int main(int argc, char **argv, char **envp)
{
	time_value64_t up = { 0, 0 };
	kern_return_t kr;

	if ((kr = host_get_uptime64(mach_host_self(), &up)) != KERN_SUCCESS) {
		printf("uptime: host_get_uptime64: error %d\n", kr);
		util_exit(1);
	}
	long long s = (long long)up.seconds;
	printf("up %lld:%02lld:%02lld.%03lld (%lld s)\n", s / 3600, s / 60 % 60, s % 60,
	       (long long)up.nanoseconds / 1000000, s);
	util_exit(0);
}
