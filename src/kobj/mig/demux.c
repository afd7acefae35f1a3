/* Which MIG stub serves a request (MIG world, see src/kobj/kobj.am).
 * Each generated server header has an inline lookup by message id; the
 * kernel's servers are asked in turn. */
#include <mach/mig_errors.h>
#include "machServer.h"
#include "mach_portServer.h"
#include "mach_hostServer.h"
#include "gnumachServer.h"
#include "deviceServer.h"
#include "demux.h"

mig_routine_t kobj_server_routine(const mach_msg_header_t *request)
{
	mig_routine_t routine;
	if ((routine = mach_server_routine(request)) ||
	    (routine = mach_port_server_routine(request)) ||
	    (routine = mach_host_server_routine(request)) ||
	    (routine = gnumach_server_routine(request)) ||
	    (routine = device_server_routine(request)))
		return routine;
	return 0;
}
