// SPDX-License-Identifier: GPL-2.0
/*
 * ucmd handler registry: cmd_op -> handler, O(1) and RCU-safe.
 *
 * The table is an xarray keyed by ucmd_op_key() (type and number of the
 * cmd_op, 16 bits, so at most three levels deep whatever the table holds).
 * Lookups run under rcu_read_lock() and take a per-request reference on
 * the handler's percpu_ref; register and unregister serialise on the
 * xarray's own lock. Unregister removes the entry, kills the reference and
 * waits for the requests still holding it, so that after it returns no
 * callback of the handler runs again. The entry itself is freed after an
 * RCU grace period.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/xarray.h>
#include <linux/slab.h>
#include <linux/module.h>
#include <linux/string.h>

#include "ucmd_internal.h"

static DEFINE_XARRAY(ucmd_handlers);

struct ucmd_handler *ucmd_handler_get(u32 cmd_op)
{
	struct ucmd_handler *h;

	rcu_read_lock();
	h = xa_load(&ucmd_handlers, ucmd_op_key(cmd_op));
	if (h && !percpu_ref_tryget_live(&h->ref))
		h = NULL;
	rcu_read_unlock();
	return h;
}

static void ucmd_handler_release(struct percpu_ref *ref)
{
	struct ucmd_handler *h = container_of(ref, struct ucmd_handler, ref);

	complete(&h->released);
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
	struct ucmd_handler *h;
	int ret;

	if (!ops->name || !ops->name[0] || strlen(ops->name) > 15 ||
	    !ops->issue || _IOC_SIZE(ops->cmd_op) > 80)
		return -EINVAL;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->ops = ops;
	init_completion(&h->released);
	ret = percpu_ref_init(&h->ref, ucmd_handler_release, 0, GFP_KERNEL);
	if (ret)
		goto err_free;

	ret = xa_insert(&ucmd_handlers, ucmd_op_key(ops->cmd_op), h, GFP_KERNEL);
	if (ret) {
		if (ret == -EBUSY)
			ret = -EEXIST;
		goto err_ref;
	}
	pr_debug("registered %s cmd_op 0x%x\n", ops->name, ops->cmd_op);
	return 0;

err_ref:
	percpu_ref_exit(&h->ref);
err_free:
	kfree(h);
	return ret;
}
EXPORT_SYMBOL_GPL(ucmd_register_handler);

/**
 * ucmd_unregister_handler() - remove a handler and wait for its requests
 * @ops: the table passed to ucmd_register_handler()
 *
 * New requests for the cmd_op get -EOPNOTSUPP at once; the call returns
 * when every request that reached the handler has completed. Unregistering
 * a table that is not registered does nothing.
 *
 * Context: process context, sleeps; must not be called from a handler.
 */
void ucmd_unregister_handler(const struct ucmd_handler_ops *ops)
{
	unsigned long key = ucmd_op_key(ops->cmd_op);
	struct ucmd_handler *h;

	xa_lock(&ucmd_handlers);
	h = xa_load(&ucmd_handlers, key);
	if (h && h->ops == ops)
		__xa_erase(&ucmd_handlers, key);
	else
		h = NULL;
	xa_unlock(&ucmd_handlers);
	if (!h)
		return;

	percpu_ref_kill(&h->ref);
	wait_for_completion(&h->released);
	percpu_ref_exit(&h->ref);
	kfree_rcu(h, rcu);
	pr_debug("unregistered %s\n", ops->name);
}
EXPORT_SYMBOL_GPL(ucmd_unregister_handler);

/*
 * A module that registered a handler and is being unloaded without having
 * unregistered it would leave ucmd calling into freed code: unregister its
 * handlers here, before its memory goes away, and say so.
 */
static int ucmd_module_notify(struct notifier_block *nb, unsigned long action,
			      void *data)
{
	struct module *mod = data;
	struct ucmd_handler *h;
	unsigned long key;

	if (action != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	xa_for_each(&ucmd_handlers, key, h) {
		if (h->ops->owner != mod)
			continue;
		pr_err("module %s left handler %s registered; unregistering it\n",
		       mod->name, h->ops->name);
		ucmd_unregister_handler(h->ops);
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
	unregister_module_notifier(&ucmd_module_nb);
	WARN_ON(!xa_empty(&ucmd_handlers));
	xa_destroy(&ucmd_handlers);
}
