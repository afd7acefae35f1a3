/* The kernel's side of GNU Mach's interfaces: the routines the MIG server
 * stubs call (src/kobj/kobj.am explains the two worlds).
 *
 * The stubs are compiled against GNU Mach's headers, these routines
 * against machv's; this header is the contract between them, spelled in
 * machv's types.  The correspondence, on LP64:
 *   task_t, vm_map_t, ipc_space_t   struct task *   (a task reference)
 *   thread_t                        struct thread * (a thread reference)
 *   host_t, host_priv_t             struct host *
 *   ipc_port_t, mach_port_t         struct ipc_port *  (a naked right)
 *   boolean_t, int, integer_t       int32_t
 *   natural_t, mach_port_name_t, mach_msg_type_number_t, vm_prot_t,
 *   vm_inherit_t, mach_port_right_t ... uint32_t
 *   vm_address_t, vm_offset_t, vm_size_t, rpc_*   uintptr_t
 *   kern_return_t                   kern_return_t (int32_t)
 * Out-of-line data (vm_offset_t *data, *_array_t *) is a struct ipc_ool *
 * in the data word (ipc/kmsg.h).  A port a routine returns is a naked
 * right the reply message carries away; a port it is given is consumed
 * only when it returns KERN_SUCCESS.
 *
 * Every routine is named S_ + its .defs name (Hurd's server-prefix
 * convention; the stubs are compiled with a #define per routine). */
#ifndef KOBJ_ROUTINES_H
#define KOBJ_ROUTINES_H

#include <ipc/kmsg.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/timer.h>

struct host { bool priv; };

/* ---- conversions the stubs call (src/kobj/convert.c) ---------------- */

/* These take a reference (NULL if the port is not a live object of the
 * kind); the stubs drop it with the matching *_deallocate. */
struct task *convert_port_to_task(struct ipc_port *port);
struct task *convert_port_to_space(struct ipc_port *port);
struct task *convert_port_to_map(struct ipc_port *port);
struct thread *convert_port_to_thread(struct ipc_port *port);
struct host *convert_port_to_host(struct ipc_port *port);       /* host or host-priv */
struct host *convert_port_to_host_priv(struct ipc_port *port);  /* host-priv only */
/* The host object itself (routines that return the host). */
struct host *kobj_host(bool priv);
void space_deallocate(struct task *task);
void vm_map_deallocate(struct task *task);
/* A naked send right to the object's port, consuming the reference
 * (NULL for NULL). */
struct ipc_port *convert_task_to_port(struct task *task);
struct ipc_port *convert_thread_to_port(struct thread *thread);
struct ipc_port *convert_host_to_port(struct host *host);

/* The kernel-object dispatch of the MIG world (src/kobj/mig/demux.c):
 * the stub for a request in kernel form, or NULL. */
typedef void (*kobj_routine_t)(mach_msg_header_t *request, mach_msg_header_t *reply);
kobj_routine_t kobj_server_routine(const mach_msg_header_t *request);

/* ---- mach_port.defs (src/kobj/port_server.c) -------------------------- */

kern_return_t S_mach_port_names(struct task *task, uintptr_t *names, uint32_t *names_count,
				uintptr_t *types, uint32_t *types_count);
kern_return_t S_mach_port_type(struct task *task, mach_port_name_t name, mach_port_type_t *type);
kern_return_t S_mach_port_rename(struct task *task, mach_port_name_t old_name,
				 mach_port_name_t new_name);
kern_return_t S_mach_port_allocate_name(struct task *task, mach_port_right_t right,
					mach_port_name_t name);
kern_return_t S_mach_port_allocate(struct task *task, mach_port_right_t right,
				   mach_port_name_t *name);
kern_return_t S_mach_port_destroy(struct task *task, mach_port_name_t name);
kern_return_t S_mach_port_deallocate(struct task *task, mach_port_name_t name);
kern_return_t S_mach_port_get_refs(struct task *task, mach_port_name_t name,
				   mach_port_right_t right, mach_port_urefs_t *refs);
kern_return_t S_mach_port_mod_refs(struct task *task, mach_port_name_t name,
				   mach_port_right_t right, mach_port_delta_t delta);
kern_return_t S_mach_port_set_qlimit(struct task *task, mach_port_name_t name, uint32_t qlimit);
kern_return_t S_mach_port_set_mscount(struct task *task, mach_port_name_t name, uint32_t mscount);
kern_return_t S_mach_port_get_set_status(struct task *task, mach_port_name_t name,
					 uintptr_t *members, uint32_t *count);
kern_return_t S_mach_port_move_member(struct task *task, mach_port_name_t member,
				      mach_port_name_t after);
kern_return_t S_mach_port_request_notification(struct task *task, mach_port_name_t name,
					       int32_t id, uint32_t sync, struct ipc_port *notify,
					       struct ipc_port **previous);
kern_return_t S_mach_port_insert_right(struct task *task, mach_port_name_t name,
				       struct ipc_port *poly, mach_msg_type_name_t poly_type);
kern_return_t S_mach_port_extract_right(struct task *task, mach_port_name_t name,
					mach_msg_type_name_t msgt_name, struct ipc_port **poly,
					mach_msg_type_name_t *poly_type);
kern_return_t S_mach_port_get_receive_status(struct task *task, mach_port_name_t name,
					     void *status /* mach_port_status_t */);
kern_return_t S_mach_port_set_seqno(struct task *task, mach_port_name_t name, uint32_t seqno);
kern_return_t S_mach_port_set_protected_payload(struct task *task, mach_port_name_t name,
						uintptr_t payload);
kern_return_t S_mach_port_clear_protected_payload(struct task *task, mach_port_name_t name);

/* ---- mach.defs: virtual memory (src/kobj/vm_server.c) ----------------- */

kern_return_t S_vm_allocate(struct task *task, uintptr_t *address, uintptr_t size,
			    int32_t anywhere);
kern_return_t S_vm_deallocate(struct task *task, uintptr_t address, uintptr_t size);
kern_return_t S_vm_protect(struct task *task, uintptr_t address, uintptr_t size,
			   int32_t set_maximum, uint32_t new_protection);
kern_return_t S_vm_inherit(struct task *task, uintptr_t address, uintptr_t size,
			   uint32_t new_inheritance);
kern_return_t S_vm_read(struct task *task, uintptr_t address, uintptr_t size,
			uintptr_t *data, uint32_t *data_count);
kern_return_t S_vm_write(struct task *task, uintptr_t address, uintptr_t data,
			 uint32_t data_count);
kern_return_t S_vm_copy(struct task *task, uintptr_t source_address, uintptr_t size,
			uintptr_t dest_address);
kern_return_t S_vm_region(struct task *task, uintptr_t *address, uintptr_t *size,
			  uint32_t *protection, uint32_t *max_protection, uint32_t *inheritance,
			  int32_t *is_shared, struct ipc_port **object_name, uintptr_t *offset);
kern_return_t S_vm_statistics(struct task *task, void *stats /* vm_statistics_data_t */);
kern_return_t S_vm_map(struct task *task, uintptr_t *address, uintptr_t size, uintptr_t mask,
		       int32_t anywhere, struct ipc_port *memory_object, uintptr_t offset,
		       int32_t copy, uint32_t cur_protection, uint32_t max_protection,
		       uint32_t inheritance);

/* ---- mach_host.defs, gnumach.defs: the host (src/kobj/host_server.c) -- */

kern_return_t S_host_info(struct host *host, int32_t flavor, int32_t *info, uint32_t *count);
/* time_value_t and time_value64_t on LP64 (passed by value to the set
 * routines, so the layouts must match GNU Mach's exactly). */
struct time_value { int64_t seconds; int32_t microseconds; int32_t pad; };
struct time_value64 { int64_t seconds; int64_t nanoseconds; };
_Static_assert(sizeof(struct time_value) == 16, "time_value_t is 16 bytes on LP64");

static inline void time_value_from_ns(struct time_value *tv, uint64_t ns)
{
	tv->seconds = (int64_t)(ns / NSEC_PER_SEC);
	tv->microseconds = (int32_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC);
	tv->pad = 0;
}

static inline void time_value64_from_ns(struct time_value64 *tv, uint64_t ns)
{
	tv->seconds = (int64_t)(ns / NSEC_PER_SEC);
	tv->nanoseconds = (int64_t)(ns % NSEC_PER_SEC);
}

kern_return_t S_host_get_time(struct host *host, void *time /* time_value_t */);
kern_return_t S_host_set_time(struct host *host, struct time_value new_time);
kern_return_t S_host_set_time64(struct host *host, struct time_value64 new_time);
kern_return_t S_host_get_time64(struct host *host, void *time /* time_value64_t */);
kern_return_t S_host_get_uptime64(struct host *host, void *time /* time_value64_t */);
kern_return_t S_host_get_kernel_version(struct host *host, char *version /* 512 bytes */);
kern_return_t S_host_reboot(struct host *host, int32_t options);

/* ---- mach_host.defs: the processor set (src/kobj/pset_server.c) ------- */

struct processor_set;
struct processor_set *convert_port_to_pset(struct ipc_port *port);
struct processor_set *convert_port_to_pset_name(struct ipc_port *port);
struct ipc_port *convert_pset_to_port(struct processor_set *pset);
struct ipc_port *convert_pset_name_to_port(struct processor_set *pset);
void pset_deallocate(struct processor_set *pset);
kern_return_t S_processor_set_default(struct host *host, struct processor_set **set);
kern_return_t S_host_processor_sets(struct host *host, uintptr_t *sets, uint32_t *count);
kern_return_t S_host_processor_set_priv(struct host *host, struct processor_set *set_name,
					struct processor_set **set);
kern_return_t S_processor_set_tasks(struct processor_set *pset, uintptr_t *task_list,
				    uint32_t *count);
kern_return_t S_processor_set_info(struct processor_set *set_name, int32_t flavor,
				   struct host **host, int32_t *info, uint32_t *count);

/* ---- mach.defs, gnumach.defs: tasks and threads (src/kobj/task_server.c,
 * thread_server.c) ---------------------------------------------------- */

kern_return_t S_task_create(struct task *parent, int32_t inherit_memory, struct task **child);
kern_return_t S_task_terminate(struct task *task);
kern_return_t S_task_suspend(struct task *task);
kern_return_t S_task_resume(struct task *task);
kern_return_t S_task_threads(struct task *task, uintptr_t *thread_list, uint32_t *count);
kern_return_t S_task_info(struct task *task, int32_t flavor, int32_t *info, uint32_t *count);
kern_return_t S_task_get_special_port(struct task *task, int32_t which, struct ipc_port **port);
kern_return_t S_task_set_special_port(struct task *task, int32_t which, struct ipc_port *port);
kern_return_t S_task_set_name(struct task *task, const char *name);
kern_return_t S_thread_create(struct task *task, struct thread **child);
kern_return_t S_thread_terminate(struct thread *thread);
kern_return_t S_thread_suspend(struct thread *thread);
kern_return_t S_thread_resume(struct thread *thread);
kern_return_t S_thread_abort(struct thread *thread);
kern_return_t S_thread_get_state(struct thread *thread, int32_t flavor, uint32_t *state,
				 uint32_t *count);
kern_return_t S_thread_set_state(struct thread *thread, int32_t flavor, const uint32_t *state,
				 uint32_t count);
kern_return_t S_thread_info(struct thread *thread, int32_t flavor, int32_t *info, uint32_t *count);
kern_return_t S_thread_get_special_port(struct thread *thread, int32_t which,
					struct ipc_port **port);
kern_return_t S_thread_set_special_port(struct thread *thread, int32_t which,
					struct ipc_port *port);
kern_return_t S_thread_set_name(struct thread *thread, const char *name);
kern_return_t S_thread_get_name(struct thread *thread, char *name /* 64 bytes */);
kern_return_t S_thread_priority(struct thread *thread, int32_t priority, int32_t set_max);
kern_return_t S_task_priority(struct task *task, int32_t priority, int32_t change_threads);

/* ---- gnumach.defs: gsync, pthread exit, cache statistics (src/kobj/gsync.c) */

kern_return_t S_gsync_wait(struct task *task, uintptr_t addr, uint32_t val1, uint32_t val2,
			   uint32_t msec, int32_t flags);
kern_return_t S_gsync_wake(struct task *task, uintptr_t addr, uint32_t val, int32_t flags);
kern_return_t S_gsync_requeue(struct task *task, uintptr_t src_addr, uintptr_t dst_addr,
			      int32_t wake_one, int32_t flags);
kern_return_t S_thread_terminate_release(struct thread *thread, struct task *task,
					 mach_port_name_t thread_name,
					 mach_port_name_t reply_port, uintptr_t address,
					 uintptr_t size);
kern_return_t S_vm_cache_statistics(struct task *task, void *stats /* 11 integers */);

/* ---- device.defs: the device master and devices (src/kobj/device_server.c)
 * Routines are named ds_ + the .defs name (device.defs's own prefix, not
 * S_).  device_t is a struct device * (kern/device.h); dev_mode_t,
 * dev_flavor_t uint32_t; recnum_t uint64_t; io_buf_ptr_t (out of line) a
 * struct ipc_ool * in the data word; the in-band buffers are 128 bytes.
 * Results are D_* codes (kern/device.h). */
struct device;

/* The device a port stands for, with a reference (NULL if the port is
 * no live device port); device_deallocate drops it (NULL ignored).
 * convert_device_to_port consumes one: a naked send right, or NULL. */
struct device *dev_port_lookup(struct ipc_port *port);
struct ipc_port *convert_device_to_port(struct device *device);
void device_deallocate(struct device *device);

kern_return_t ds_device_open(struct ipc_port *master, struct ipc_port *reply,
			     mach_msg_type_name_t reply_type, uint32_t mode, const char *name,
			     struct device **device);
kern_return_t ds_device_open_new(struct ipc_port *master, struct ipc_port *reply,
				 mach_msg_type_name_t reply_type, uint32_t mode,
				 const char *name, struct device **device);
kern_return_t ds_device_close(struct device *device);
kern_return_t ds_device_write(struct device *device, struct ipc_port *reply,
			      mach_msg_type_name_t reply_type, uint32_t mode, uint64_t recnum,
			      uintptr_t data, uint32_t data_count, int32_t *bytes_written);
kern_return_t ds_device_write_inband(struct device *device, struct ipc_port *reply,
				     mach_msg_type_name_t reply_type, uint32_t mode,
				     uint64_t recnum, const char *data, uint32_t data_count,
				     int32_t *bytes_written);
kern_return_t ds_device_read(struct device *device, struct ipc_port *reply,
			     mach_msg_type_name_t reply_type, uint32_t mode, uint64_t recnum,
			     int32_t bytes_wanted, uintptr_t *data, uint32_t *data_count);
kern_return_t ds_device_read_inband(struct device *device, struct ipc_port *reply,
				    mach_msg_type_name_t reply_type, uint32_t mode,
				    uint64_t recnum, int32_t bytes_wanted, char *data,
				    uint32_t *data_count);
kern_return_t ds_device_get_status(struct device *device, uint32_t flavor, int32_t *status,
				   uint32_t *status_count);
kern_return_t ds_device_set_status(struct device *device, uint32_t flavor,
				   const int32_t *status, uint32_t status_count);
kern_return_t ds_device_map(struct device *device, uint32_t prot, uintptr_t offset,
			    uintptr_t size, struct ipc_port **pager, int32_t unmap);

#endif
