/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handler registry (ucmd_registry.c): registered handlers, the cmd_op
 * table and the lookup the dispatcher does for every request. Not for other
 * modules: they use ucmd_handler.h.
 *
 * Ownership runs one way: requests (ucmd_request.c) hold references on
 * handlers and drop them; the registry knows nothing of requests.
 * Unregister (ucmd_unregister.c), above both, takes a handler out of the
 * table, has the requests let go of it, and waits for the references.
 */
#ifndef _UCMD_REGISTRY_H
#define _UCMD_REGISTRY_H

#include <linux/percpu-refcount.h>
#include <linux/completion.h>
#include <linux/rcupdate.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/ioctl.h>
#include "ucmd_handler.h"

/**
 * struct ucmd_handler - a registered handler, as the registry holds it
 * @cmd_op: @ops->cmd_op and
 * @issue: @ops->issue, copied at registration so that the dispatch reads
 *	   them from the object it looked up, not one load further
 * @ops: the callbacks, owned by the registering module
 * @ref: one reference per request that has looked the handler up and not
 *	 completed yet, plus the registry's own; killed by unregister
 * @released: completed by the last put after unregister killed @ref
 * @lock: protects @deferred and serialises every ops->cancel() call;
 *	  taken in process context only (issue, task work, unregister)
 * @deferred: the deferred requests that still hold a reference on the
 *	      handler (struct ucmd_async.node, ucmd_request.c), so that
 *	      unregister can cancel them or take their reference
 * @rcu: the object is freed an RCU grace period after unregister, because
 *	 the lookup reads it under rcu_read_lock() before taking @ref
 */
struct ucmd_handler {
	u32 cmd_op;
	int (*issue)(struct ucmd_req *req, const void *payload,
		     unsigned int issue_flags);
	const struct ucmd_handler_ops *ops;
	struct percpu_ref ref;
	struct completion released;
	spinlock_t lock;		/* see @lock above */
	struct list_head deferred;
	struct rcu_head rcu;
};

/*
 * The registry (ucmd_registry.c): ucmd_table[_IOC_TYPE] -> page of
 * UCMD_TABLE_SIZE handler pointers indexed by _IOC_NR, both RCU-published.
 */
#define UCMD_TABLE_SIZE 256
extern struct ucmd_handler __rcu **ucmd_table[UCMD_TABLE_SIZE];

/**
 * ucmd_handler_lookup() - look up the handler of a cmd_op, unpinned
 * @cmd_op: the cmd_op; its type and number select the handler
 *
 * O(1): two loads. Unregister clears the slot and waits an RCU grace
 * period before it kills the handler's reference, so the handler found
 * here can be used, and pinned with percpu_ref_get(), until the caller's
 * read-side section ends.
 *
 * Context: rcu_read_lock() held.
 * Return: the handler, or NULL if none is registered.
 */
static inline struct ucmd_handler *ucmd_handler_lookup(u32 cmd_op)
{
	struct ucmd_handler __rcu **page;

	page = rcu_dereference(ucmd_table[_IOC_TYPE(cmd_op)]);
	return page ? rcu_dereference(page[_IOC_NR(cmd_op)]) : NULL;
}

/**
 * ucmd_handler_get() - look up the handler of a cmd_op and pin it
 * @cmd_op: the cmd_op; its type and number select the handler
 *
 * O(1): two loads and a percpu_ref get, no call. Pair with
 * ucmd_handler_put().
 *
 * Return: the handler with a reference held, or NULL if none is
 * registered (or it is being unregistered).
 */
static inline struct ucmd_handler *ucmd_handler_get(u32 cmd_op)
{
	struct ucmd_handler *h;

	rcu_read_lock();
	h = ucmd_handler_lookup(cmd_op);
	if (h && !percpu_ref_tryget_live_rcu(&h->ref))
		h = NULL;
	rcu_read_unlock();
	return h;
}

static inline void ucmd_handler_put(struct ucmd_handler *h)
{
	percpu_ref_put(&h->ref);
}

void ucmd_registry_exit(void);
struct ucmd_handler *ucmd_handler_unpublish(const struct ucmd_handler_ops *ops);
void ucmd_handler_kill(struct ucmd_handler *h);
bool ucmd_handler_wait(struct ucmd_handler *h, unsigned long timeout);
void ucmd_handler_free(struct ucmd_handler *h);
const struct ucmd_handler_ops *ucmd_handler_find_owned(struct module *mod);

#endif /* _UCMD_REGISTRY_H */
