/* The name service's messages (<machv/names.h> has the protocol) as C
 * structs in GNU Mach's LP64 typed layout: every type descriptor is 8
 * bytes and 8-byte aligned, so natural alignment pads the 4-byte return
 * code to the next descriptor exactly as the kernel lays it out.  Shared
 * by the client (guests/lib/mach/names.c) and the server (init.c). */
#ifndef MACHV_NS_PROTO_H
#define MACHV_NS_PROTO_H

#include <mach/message.h>
#include <machv/names.h>

struct ns_register_request {
	mach_msg_header_t h;
	mach_msg_type_t name_type;      /* CHAR, 8 bits, NS_NAME_MAX */
	char name[NS_NAME_MAX];
	mach_msg_type_t port_type;      /* COPY_SEND / MOVE_SEND, 64 bits, 1 */
	mach_port_name_inlined_t port;
};

struct ns_lookup_request {
	mach_msg_header_t h;
	mach_msg_type_t name_type;
	char name[NS_NAME_MAX];
};

/* NS_REGISTER's reply, and NS_LOOKUP's when it fails. */
struct ns_short_reply {
	mach_msg_header_t h;
	mach_msg_type_t kr_type;        /* INTEGER_32 */
	kern_return_t kr;
};

struct ns_lookup_reply {
	mach_msg_header_t h;
	mach_msg_type_t kr_type;
	kern_return_t kr;
	mach_msg_type_t port_type;      /* PORT_SEND on arrival */
	mach_port_name_inlined_t port;
};

/* A type descriptor for one inline item. */
static inline mach_msg_type_t ns_type(unsigned name, unsigned bits, unsigned number)
{
	mach_msg_type_t t = { 0 };

	t.msgt_name = name;
	t.msgt_size = bits;
	t.msgt_number = number;
	t.msgt_inline = TRUE;
	return t;
}

#endif
