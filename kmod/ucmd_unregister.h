/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unregister (ucmd_unregister.c): takes handlers out of the registry and
 * has their requests let go of them. Above both the registry and the
 * requests; neither calls it.
 */
#ifndef _UCMD_UNREGISTER_H
#define _UCMD_UNREGISTER_H

#include "ucmd_registry.h"

void ucmd_handler_reap(struct ucmd_handler *h);
void ucmd_handler_retire(struct ucmd_handler *h);
int ucmd_unregister_init(void);
void ucmd_unregister_exit(void);

#endif /* _UCMD_UNREGISTER_H */
