/* SPDX-License-Identifier: GPL-2.0 */
/* myop's ABI, shared by the handler and its client: rename to taste. */
#ifndef MYOP_H
#define MYOP_H

/* The payload, in the SQE's command area (at most 16 bytes, 80 with SQE128). */
struct myop_args {
	__u64 a;
	__u64 b;
};

/*
 * The cmd_op: direction, type, number and payload size, as an ioctl's.
 * Pick a number no other instance serves (ucmdctl handler list).
 */
#define MYOP_CMD	_IOWR('b', 0x40, struct myop_args)

#endif
