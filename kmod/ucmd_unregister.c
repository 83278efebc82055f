// SPDX-License-Identifier: GPL-2.0
/*
 * Unregister: a handler out of the cmd_op table (ucmd_registry.c), its
 * requests made to let go of it (ucmd_request.c), and the wait for the
 * references still held.
 *
 * What unregister waits for (docs/semantics.md, "Unregister"): requests
 * inside ->issue (an io-wq issue, a sleeping BPF handler's user copy),
 * and deferred requests that ->cancel cannot stop, until their handler
 * completes them. It does not wait for a request whose completion is
 * taken - by the handler, a cancel or ring teardown - and whose CQE is
 * still to be posted from its submitter's task work: the unregistering
 * task may be that submitter (tests/guest/unregister-self.c). It does
 * not wait for a request that turns cancelable after it started: each
 * pass of the wait offers the requests to ->cancel again
 * (tests/guest/unregister-issuing.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "ucmd_unregister.h"
#include "ucmd_request.h"

/*
 * How often a reap offers the handler's requests to ->cancel again while
 * it waits: a request deferred by an issue that was still running at the
 * kill (io-wq), or whose ->cancel could not stop it but whose completion
 * is now taken, is cancelled or let go within this time.
 */
#define UCMD_REAP_PASS	msecs_to_jiffies(10)

/**
 * ucmd_handler_reap() - wait for a killed handler's requests, free it
 * @h: passed to ucmd_handler_kill()
 *
 * Each pass has every deferred request let go of @h
 * (ucmd_req_detach_all()), then waits up to UCMD_REAP_PASS for the
 * references left: those of issues still running and of requests the
 * handler itself has yet to complete.
 *
 * Context: process context, sleeps.
 */
void ucmd_handler_reap(struct ucmd_handler *h)
{
	do {
		ucmd_req_detach_all(h);
	} while (!ucmd_handler_wait(h, UCMD_REAP_PASS));
	ucmd_handler_free(h);
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
 * with -ECANCELED. The call returns when no request that reached the
 * handler can call into it any more (after at least two RCU grace
 * periods): it waits for issues still running and for deferred requests
 * ops->cancel() could not stop until the handler completes them, not for
 * the posting of completions already taken. Unregistering a table that is
 * not registered does nothing.
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
 * (tens of milliseconds each). If the array of @n pointers this needs
 * cannot be allocated, the entries are unregistered one by one.
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
	while ((ops = ucmd_handler_find_owned(mod))) {
		pr_err("module %s left handler %s registered; unregistering it\n",
		       mod->name, ops->name);
		ucmd_unregister_handler(ops);
	}
	return NOTIFY_DONE;
}

static struct notifier_block ucmd_module_nb = {
	.notifier_call = ucmd_module_notify,
};

int ucmd_unregister_init(void)
{
	return register_module_notifier(&ucmd_module_nb);
}

void ucmd_unregister_exit(void)
{
	unregister_module_notifier(&ucmd_module_nb);
}
