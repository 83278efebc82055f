/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM ucmd

#if !defined(_UCMD_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _UCMD_TRACE_H

#include <linux/tracepoint.h>
#include <linux/sched.h>

/*
 * ucmd_issue - a request reached its handler
 * @cmd_op: the SQE's cmd_op
 * @name: the handler's name
 * @issue_flags: io_uring's issue_flags for this issue
 * @task: the submitting task
 */
TRACE_EVENT(ucmd_issue,
	TP_PROTO(u32 cmd_op, const char *name, unsigned int issue_flags,
		 struct task_struct *task),
	TP_ARGS(cmd_op, name, issue_flags, task),
	TP_STRUCT__entry(
		__field(u32, cmd_op)
		__field(unsigned int, issue_flags)
		__field(int, pid)
		__string(name, name)
	),
	TP_fast_assign(
		__entry->cmd_op = cmd_op;
		__entry->issue_flags = issue_flags;
		__entry->pid = task_tgid_nr(task);
		__assign_str(name);
	),
	TP_printk("cmd_op=0x%x name=%s pid=%d issue_flags=0x%x",
		  __entry->cmd_op, __get_str(name), __entry->pid,
		  __entry->issue_flags)
);

/*
 * ucmd_complete - a request's CQE was posted (or handed to io_uring)
 * @cmd_op: the SQE's cmd_op
 * @name: the handler's name ("-" when no handler was found), or the
 *	  denying policy's for UCMD_DONE_DENIED
 * @res: cqe->res
 * @res2: res2 (in the CQE on CQE32 rings only)
 * @latency_ns: nanoseconds from the first issue to completion, 0 if
 *		tracing was enabled after the issue
 * @async: how it completed: UCMD_DONE_SYNC, _ASYNC, _CANCELLED, _DENIED,
 *	   _IOCTL (the ioctl(2) entry's result; a denial there is _DENIED)
 * @task: the submitting task (not current for cancellations, which run
 *	  from ring teardown)
 */
TRACE_EVENT(ucmd_complete,
	TP_PROTO(u32 cmd_op, const char *name, int res, u64 res2,
		 u64 latency_ns, int async, struct task_struct *task),
	TP_ARGS(cmd_op, name, res, res2, latency_ns, async, task),
	TP_STRUCT__entry(
		__field(u32, cmd_op)
		__field(int, res)
		__field(u64, res2)
		__field(u64, latency_ns)
		__field(int, async)
		__field(int, pid)
		__string(name, name)
	),
	TP_fast_assign(
		__entry->cmd_op = cmd_op;
		__entry->res = res;
		__entry->res2 = res2;
		__entry->latency_ns = latency_ns;
		__entry->async = async;
		__entry->pid = task_tgid_nr(task);
		__assign_str(name);
	),
	TP_printk("cmd_op=0x%x name=%s pid=%d res=%d res2=0x%llx latency_ns=%llu %s",
		  __entry->cmd_op, __get_str(name), __entry->pid, __entry->res,
		  __entry->res2, __entry->latency_ns,
		  __print_symbolic(__entry->async, { 0, "sync" },
				   { 1, "async" }, { 2, "cancelled" },
				   { 3, "denied" }, { 4, "ioctl" }))
);

/*
 * ucmd_deny - a BPF policy denied a request (ucmd_complete follows)
 * @cmd_op: the SQE's cmd_op
 * @policy: the denying struct_ops instance's name
 * @err: the errno the request completes with (negative)
 * @task: the submitting task
 */
TRACE_EVENT(ucmd_deny,
	TP_PROTO(u32 cmd_op, const char *policy, int err,
		 struct task_struct *task),
	TP_ARGS(cmd_op, policy, err, task),
	TP_STRUCT__entry(
		__field(u32, cmd_op)
		__field(int, err)
		__field(int, pid)
		__string(policy, policy)
	),
	TP_fast_assign(
		__entry->cmd_op = cmd_op;
		__entry->err = err;
		__entry->pid = task_tgid_nr(task);
		__assign_str(policy);
	),
	TP_printk("cmd_op=0x%x policy=%s err=%d pid=%d", __entry->cmd_op,
		  __get_str(policy), __entry->err, __entry->pid)
);

#endif /* _UCMD_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE ucmd_trace
#include <trace/define_trace.h>
