/* The MIG world's entry point, also declared (with machv's types) in
 * src/kobj/routines.h. */
#ifndef KOBJ_MIG_DEMUX_H
#define KOBJ_MIG_DEMUX_H
mig_routine_t kobj_server_routine(const mach_msg_header_t *request);
#endif
