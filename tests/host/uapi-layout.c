// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the UAPI header's ABI, checked on the host: payload sizes
 * and offsets (explicit padding, no hidden holes), payloads fit the command
 * area they are documented for, cmd_op encoding carries the payload size
 * and the registry key (type, number) of each built-in op is unique.
 */
#include <stddef.h>
#include <stdio.h>
#include <linux/ucmd.h>

#include "expect.h"

int main(void)
{
	const unsigned int ops[] = {
		UCMD_CMD_NOP, UCMD_CMD_GET_FEATURES, UCMD_CMD_ECHO,
		UCMD_CMD_DELAY, UCMD_CMD_SUM, UCMD_CMD_SLEEP, UCMD_CMD_READ,
		UCMD_CMD_WRITE, UCMD_CMD_READV, UCMD_CMD_WRITEV,
	};
	const unsigned int n = sizeof(ops) / sizeof(ops[0]);

	EXPECT(sizeof(struct ucmd_echo) == 16);
	EXPECT(offsetof(struct ucmd_echo, res2) == 8);
	EXPECT(sizeof(struct ucmd_delay) == 16);
	EXPECT(offsetof(struct ucmd_delay, res) == 8);
	EXPECT(sizeof(struct ucmd_features) == 16);
	EXPECT(sizeof(struct ucmd_sum) == UCMD_PAYLOAD_SQE128);
	EXPECT(offsetof(struct ucmd_sum, vals) == 8);
	EXPECT(sizeof(struct ucmd_rw) == 16);
	EXPECT(sizeof(struct ucmd_rwv) == 16);
	EXPECT(offsetof(struct ucmd_rwv, nr_segs) == 8);
	EXPECT(_IOC_SIZE(UCMD_CMD_READV) == sizeof(struct ucmd_rwv));

	EXPECT(_IOC_SIZE(UCMD_CMD_NOP) == 0);
	EXPECT(_IOC_SIZE(UCMD_CMD_ECHO) == sizeof(struct ucmd_echo));
	EXPECT(_IOC_SIZE(UCMD_CMD_DELAY) <= UCMD_PAYLOAD_SQE64);
	EXPECT(_IOC_SIZE(UCMD_CMD_GET_FEATURES) <= UCMD_PAYLOAD_SQE64);
	EXPECT(_IOC_SIZE(UCMD_CMD_SUM) > UCMD_PAYLOAD_SQE64);
	EXPECT(_IOC_SIZE(UCMD_CMD_SUM) <= UCMD_PAYLOAD_SQE128);

	for (unsigned int i = 0; i < n; i++) {
		EXPECT(_IOC_TYPE(ops[i]) == UCMD_IOC_TYPE);
		for (unsigned int j = i + 1; j < n; j++)
			EXPECT(_IOC_NR(ops[i]) != _IOC_NR(ops[j]));
	}
	if (failures)
		return 1;
	return 0;
}
