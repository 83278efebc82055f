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
 * Writers (register, unregister) hold ucmd_table_lock. Unregister clears
 * the slot, kills the handler's percpu_ref and waits for the requests still
 * holding it, so that after it returns no callback of the handler runs
 * again; the entry is freed after an RCU grace period, since a lookup may
 * have loaded it just before the slot was cleared.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <uapi/linux/ucmd.h>

#include "ucmd_registry.h"
#include "ucmd_request.h"

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
	INIT_LIST_HEAD(&h->cancelable);
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
 * First half of an unregister: new lookups miss the handler; issues
 * that found it before may still be using it without a reference (the
 * inline issue, under RCU). The caller waits an RCU grace period, then
 * calls ucmd_handler_retire(), or for many handlers ucmd_handler_kill()
 * on each and then ucmd_handler_reap() on each: one grace period, and
 * the kills' overlapping, serve them all.
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
 * and waiting for its release (ucmd_handler_reap()) waits for exactly
 * those. Cancelable deferred requests are offered to ops->cancel(). The
 * kill's switch to atomic mode takes an RCU grace period of its own, so a
 * caller retiring many handlers kills them all before reaping any: their
 * grace periods then overlap.
 *
 * Context: process context, may sleep.
 */
void ucmd_handler_kill(struct ucmd_handler *h)
{
	percpu_ref_kill(&h->ref);
	ucmd_handler_cancel_all(h);
}

/**
 * ucmd_handler_reap() - wait for a killed handler's requests, free it
 * @h: passed to ucmd_handler_kill()
 *
 * Context: process context, sleeps.
 */
void ucmd_handler_reap(struct ucmd_handler *h)
{
	wait_for_completion(&h->released);
	percpu_ref_exit(&h->ref);
	pr_debug("unregistered %s\n", h->ops->name);
	kfree_rcu(h, rcu);
}

/**
 * ucmd_handler_retire() - ucmd_handler_kill(), then ucmd_handler_reap()
 * @h: from ucmd_handler_unpublish(), an RCU grace period ago
 *
 * Context: process context, sleeps.
 */
void ucmd_handler_retire(struct ucmd_handler *h)
{
	ucmd_handler_kill(h);
	ucmd_handler_reap(h);
}

/**
 * ucmd_unregister_handler() - remove a handler and wait for its requests
 * @ops: the table passed to ucmd_register_handler()
 *
 * New requests for the cmd_op get -EOPNOTSUPP at once. Deferred requests
 * marked cancelable are offered to ops->cancel(); those it stops complete
 * with -ECANCELED. The call returns when every request that reached the
 * handler has completed (after at least one RCU grace period). Unregistering
 * a table that is not registered does nothing.
 *
 * Context: process context, sleeps; must not be called from a handler.
 */
void ucmd_unregister_handler(const struct ucmd_handler_ops *ops)
{
	struct ucmd_handler *h = ucmd_handler_unpublish(ops);

	if (!h)
		return;
	synchronize_rcu();	/* the inline issues that found it unpinned */
	ucmd_handler_retire(h);
}
EXPORT_SYMBOL_GPL(ucmd_unregister_handler);

/**
 * ucmd_unregister_handlers() - unregister a table of handlers at once
 * @ops: @n tables, each passed to ucmd_register_handler() (those that are
 *	 not registered are skipped)
 * @n: number of entries in @ops
 *
 * What ucmd_unregister_handler() does for each entry, last to first, but
 * with the RCU grace periods of all of them overlapping instead of one
 * after another (two each: the unpublish and the reference's kill): a
 * module with 2048 handlers unloads in a few grace periods, not 4096
 * (tens of milliseconds each). If the array of @n pointers this needs cannot be
 * allocated, the entries are unregistered one by one.
 *
 * Context: process context, sleeps; must not be called from a handler.
 */
void ucmd_unregister_handlers(const struct ucmd_handler_ops *ops,
			      unsigned int n)
{
	struct ucmd_handler **h = kmalloc_array(n, sizeof(*h), GFP_KERNEL);
	unsigned int i;

	if (!h) {
		while (n--)
			ucmd_unregister_handler(&ops[n]);
		return;
	}
	for (i = n; i--; )
		h[i] = ucmd_handler_unpublish(&ops[i]);
	synchronize_rcu();	/* the inline issues that found them unpinned */
	for (i = n; i--; )
		if (h[i])
			ucmd_handler_kill(h[i]);
	for (i = n; i--; )
		if (h[i])
			ucmd_handler_reap(h[i]);
	kfree(h);
}
EXPORT_SYMBOL_GPL(ucmd_unregister_handlers);

/* The handlers @mod registered, or any handler if @mod is NULL: one. */
static const struct ucmd_handler_ops *ucmd_find_owned(struct module *mod)
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

/*
 * A module that registered a handler and is being unloaded without having
 * unregistered it would leave ucmd calling into freed code: unregister its
 * handlers here, before its memory goes away, and say so.
 */
static int ucmd_module_notify(struct notifier_block *nb, unsigned long action,
			      void *data)
{
	const struct ucmd_handler_ops *ops;
	struct module *mod = data;

	if (action != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	while ((ops = ucmd_find_owned(mod))) {
		pr_err("module %s left handler %s registered; unregistering it\n",
		       mod->name, ops->name);
		ucmd_unregister_handler(ops);
	}
	return NOTIFY_DONE;
}

static struct notifier_block ucmd_module_nb = {
	.notifier_call = ucmd_module_notify,
};

int ucmd_registry_init(void)
{
	return register_module_notifier(&ucmd_module_nb);
}

void ucmd_registry_exit(void)
{
	int t;

	unregister_module_notifier(&ucmd_module_nb);
	WARN_ON(ucmd_find_owned(NULL));
	for (t = 0; t < UCMD_TABLE_SIZE; t++)
		kfree(rcu_dereference_protected(ucmd_table[t], true));
}
