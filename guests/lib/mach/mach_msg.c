/* mach_msg() with GNU Mach's library semantics over the bare trap: an
 * interrupted send is retried unless the caller asked to see interrupts
 * (MACH_SEND_INTERRUPT), and so is an interrupted receive
 * (MACH_RCV_INTERRUPT), without sending again when the send half had
 * already gone through. */
#include <mach_init.h>

mach_msg_return_t mach_msg(mach_msg_header_t *msg, mach_msg_option_t option,
			   mach_msg_size_t send_size, mach_msg_size_t rcv_size,
			   mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
			   mach_port_name_t notify)
{
	mach_msg_return_t mr;

	for (;;) {
		mr = mach_msg_trap(msg, option, send_size, rcv_size, rcv_name,
				   timeout, notify);
		if (mr == MACH_SEND_INTERRUPTED && !(option & MACH_SEND_INTERRUPT))
			continue;
		break;
	}
	/* The message went out; what was interrupted is the wait for the
	 * answer: wait again, receiving only. */
	while (mr == MACH_RCV_INTERRUPTED && !(option & MACH_RCV_INTERRUPT)) {
		option &= ~MACH_SEND_MSG;
		mr = mach_msg_trap(msg, option, 0, rcv_size, rcv_name, timeout,
				   notify);
	}
	return mr;
}
