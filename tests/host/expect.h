/* SPDX-License-Identifier: GPL-2.0 */
/* What the host tests share: EXPECT() counts failures, the test returns it. */
#ifndef UCMD_HOST_EXPECT_H
#define UCMD_HOST_EXPECT_H

#include <stdio.h>

static int failures;

#define EXPECT(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s\n", __FILE__,	\
				__LINE__, #cond);			\
			failures++;					\
		}							\
	} while (0)

#endif
