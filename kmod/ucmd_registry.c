// SPDX-License-Identifier: GPL-2.0
/*
 * ucmd handler registry: cmd_op -> handler, O(1) and RCU-safe.
 *
 * A handler is found by the type and number of its cmd_op (_IOC_TYPE,
 * _IOC_NR) in a two-level table: ucmd_table[type] points to a page of 256
 * handler pointers, allocated when the first handler of that type
 * registers and kept until the module goes. A lookup is two dependent
 * loads under rcu_read_lock() plus a percpu_ref get (ucmd_handler_get() in
 * ucmd_registry.h), whatever the number of handlers.
 *
 * Writers (register, unpublish) hold ucmd_table_lock. Unregister
 * (ucmd_unregister.c) clears the slot, kills the handler's percpu_ref and
 * waits for the requests still holding it, so that after it returns no
 * callback of the handler runs again; the entry is freed after an RCU
 * grace period, since a lookup may have loaded it just before the slot was
 * cleared. The registry knows nothing of requests: they hold and drop
 * references (ucmd_handler_get(), ucmd_handler_put()), unregister asks
 * them to let go.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <uapi/linux/ucmd.h>

#include "ucmd_registry.h"

struct ucmd_handler __rcu **ucmd_table[UCMD_TABLE_SIZE];
static DEFINE_MUTEX(ucmd_table_lock);

static void ucmd_handler_release(struct percpu_ref *ref)
{
	struct ucmd_handler *h = container_of(ref, struct ucmd_handler, ref);

	complete(&h->released);
}

static struct ucmd_handler __rcu **ucmd_slot(u32 cmd_op, bool alloc)
{
	struct ucmd_handler __rcu **page;
	u32 type = _IOC_TYPE(cmd_op);

	lockdep_assert_held(&ucmd_table_lock);
	page = rcu_dereference_protected(ucmd_table[type],
					 lockdep_is_held(&ucmd_table_lock));
	if (!page && alloc) {
		page = kcalloc(UCMD_TABLE_SIZE, sizeof(*page), GFP_KERNEL);
		if (!page)
			return NULL;
		rcu_assign_pointer(ucmd_table[type], page);
	}
	return page ? &page[_IOC_NR(cmd_op)] : NULL;
}

/**
 * ucmd_register_handler() - add a cmd_op to /dev/ucmd
 * @ops: the handler; must stay valid until ucmd_unregister_handler()
 *	 returns. @ops->name (1..15 chars), @ops->issue and @ops->owner are
 *	 required; _IOC_SIZE(@ops->cmd_op) is at most 80 bytes.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for a malformed @ops; -EEXIST if a handler already
 * serves a cmd_op with the same type and number; -ENOMEM.
 */
int ucmd_register_handler(const struct ucmd_handler_ops *ops)
{
	struct ucmd_handler __rcu **slot;
	struct ucmd_handler *h;
	int ret;

	if (!ops->name || !ops->name[0] || strlen(ops->name) >= UCMD_NAME_LEN ||
	    !ops->issue || _IOC_SIZE(ops->cmd_op) > UCMD_PAYLOAD_SQE128)
		return -EINVAL;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->cmd_op = ops->cmd_op;
	h->issue = ops->issue;
	h->ops = ops;
	init_completion(&h->released);
	spin_lock_init(&h->lock);
	INIT_LIST_HEAD(&h->deferred);
	ret = percpu_ref_init(&h->ref, ucmd_handler_release, 0, GFP_KERNEL);
	if (ret)
		goto err_free;

	mutex_lock(&ucmd_table_lock);
	slot = ucmd_slot(ops->cmd_op, true);
	if (!slot) {
		ret = -ENOMEM;
		goto err_unlock;
	}
	if (rcu_access_pointer(*slot)) {
		ret = -EEXIST;
		goto err_unlock;
	}
	rcu_assign_pointer(*slot, h);
	mutex_unlock(&ucmd_table_lock);
	pr_debug("registered %s cmd_op 0x%x\n", ops->name, ops->cmd_op);
	return 0;

err_unlock:
	mutex_unlock(&ucmd_table_lock);
	percpu_ref_exit(&h->ref);
err_free:
	kfree(h);
	return ret;
}
EXPORT_SYMBOL_GPL(ucmd_register_handler);

/**
 * ucmd_handler_unpublish() - take a handler out of the cmd_op table
 * @ops: the table passed to ucmd_register_handler()
 *
 * First step of an unregister (ucmd_unregister.c): new lookups miss the
 * handler; issues that found it before may still be using it without a
 * reference (the inline issue, under RCU). The caller waits an RCU grace
 * period, then kills the reference (ucmd_handler_kill()) and waits for
 * it (ucmd_handler_wait()) before ucmd_handler_free().
 *
 * Context: process context, may sleep.
 * Return: the handler, or NULL if @ops is not registered.
 */
struct ucmd_handler *ucmd_handler_unpublish(const struct ucmd_handler_ops *ops)
{
	struct ucmd_handler __rcu **slot;
	struct ucmd_handler *h = NULL;

	mutex_lock(&ucmd_table_lock);
	slot = ucmd_slot(ops->cmd_op, false);
	if (slot) {
		h = rcu_dereference_protected(*slot,
					      lockdep_is_held(&ucmd_table_lock));
		if (h && h->ops == ops)
			RCU_INIT_POINTER(*slot, NULL);
		else
			h = NULL;
	}
	mutex_unlock(&ucmd_table_lock);
	return h;
}

/**
 * ucmd_handler_kill() - stop an unpublished handler taking references
 * @h: from ucmd_handler_unpublish(), an RCU grace period ago
 *
 * After the grace period every request that found @h holds a reference
 * (it deferred, or went to io-wq) or is finished: killing the reference
 * and waiting for its release (ucmd_handler_wait()) waits for exactly
 * those. The kill's switch to atomic mode takes an RCU grace period of
 * its own, so a caller retiring many handlers kills them all before
 * waiting for any: their grace periods then overlap.
 *
 * Context: process context, may sleep.
 */
void ucmd_handler_kill(struct ucmd_handler *h)
{
	percpu_ref_kill(&h->ref);
}

/**
 * ucmd_handler_wait() - wait for the last reference of a killed handler
 * @h: passed to ucmd_handler_kill()
 * @timeout: the longest wait, in jiffies
 *
 * Context: process context, sleeps.
 * Return: true once no reference is left, false after @timeout.
 */
bool ucmd_handler_wait(struct ucmd_handler *h, unsigned long timeout)
{
	return wait_for_completion_timeout(&h->released, timeout);
}

/**
 * ucmd_handler_free() - free a handler no reference is left on
 * @h: after ucmd_handler_wait() returned true
 *
 * Freed after an RCU grace period: a lookup, or a request's completion
 * that lost the race to drop its reference, may still read it.
 */
void ucmd_handler_free(struct ucmd_handler *h)
{
	percpu_ref_exit(&h->ref);
	pr_debug("unregistered %s\n", h->ops->name);
	kfree_rcu(h, rcu);
}

/**
 * ucmd_handler_find_owned() - a handler a module registered
 * @mod: the module, or NULL for any
 *
 * Return: the ops of one handler registered with @ops->owner @mod, or
 * NULL if there is none.
 */
const struct ucmd_handler_ops *ucmd_handler_find_owned(struct module *mod)
{
	const struct ucmd_handler_ops *ops = NULL;
	struct ucmd_handler __rcu **page;
	struct ucmd_handler *h;
	int t, n;

	mutex_lock(&ucmd_table_lock);
	for (t = 0; t < UCMD_TABLE_SIZE && !ops; t++) {
		page = rcu_dereference_protected(ucmd_table[t],
						 lockdep_is_held(&ucmd_table_lock));
		for (n = 0; page && n < UCMD_TABLE_SIZE && !ops; n++) {
			h = rcu_dereference_protected(page[n],
						      lockdep_is_held(&ucmd_table_lock));
			if (h && (!mod || h->ops->owner == mod))
				ops = h->ops;
		}
	}
	mutex_unlock(&ucmd_table_lock);
	return ops;
}

void ucmd_registry_exit(void)
{
	int t;

	WARN_ON(ucmd_handler_find_owned(NULL));
	for (t = 0; t < UCMD_TABLE_SIZE; t++)
		kfree(rcu_dereference_protected(ucmd_table[t], true));
}
