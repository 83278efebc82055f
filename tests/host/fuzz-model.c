// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the fuzzer's reference model (tests/fuzz/model.c), the
 * oracle every fuzz run trusts, predicts what the docs say for chains
 * whose outcome is known by hand: a failed IO_LINK member cancels the
 * rest and a HARDLINK one does not; a prep failure fails the whole chain
 * (hard links too) with -ECANCELED around its own errno; an 80-byte
 * payload on a 64-byte SQE is -EINVAL before any policy; the first
 * validator in attach order wins, an exact-uid rule over an any-uid one,
 * and a denial is marked as such; res2 only on CQE32 rings; kv state
 * follows PUT/DEL only when they ran.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <liburing.h>
#include <linux/ucmd.h>
#include "ucmd_progs.h"
#include "model.h"

#include "expect.h"

static struct fz_sqe echo(__s32 res, __u64 res2, __u8 iosqe)
{
	struct fz_sqe s = { .kind = FZ_ECHO, .cmd_op = UCMD_CMD_ECHO,
			    .iosqe = iosqe, .fixed_file = -1 };
	struct ucmd_echo e = { .res = res, .res2 = res2 };

	memcpy(s.payload, &e, sizeof(e));
	return s;
}

static struct fz_sqe kv_op(enum fz_kind k, __u64 key, __u64 value, __u8 iosqe)
{
	struct fz_sqe s = { .kind = k, .iosqe = iosqe, .fixed_file = -1 };
	struct ucmd_kv p = { .key = key, .value = value };

	s.cmd_op = k == FZ_KV_PUT ? UCMD_KV_PUT : k == FZ_KV_GET ? UCMD_KV_GET :
								 UCMD_KV_DEL;
	memcpy(s.payload, &p, sizeof(p));
	return s;
}

int main(void)
{
	struct fz_ring r64 = { .flags = 0, .drain_ok = true, .bufsel_err = -EOPNOTSUPP,
			      .bufidx_at_prep = true };
	struct fz_ring r128 = { .flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32,
				.drain_ok = true };
	struct fz_policy none = { 0 }, pol = { .kv = true };
	struct fz_kv kv = { .base = 100 };
	struct fz_sqe c[4];

	/* IO_LINK: a failure cancels the rest; HARDLINK: it does not. */
	c[0] = echo(-5, 0, IOSQE_IO_LINK);
	c[1] = echo(7, 9, IOSQE_IO_HARDLINK);
	c[2] = echo(8, 9, 0);
	fz_predict_chain(c, 3, &r64, &none, &kv);
	EXPECT(c[0].res == -5 && c[1].res == -ECANCELED && c[2].res == -ECANCELED);
	c[0] = echo(-5, 0, IOSQE_IO_HARDLINK);
	c[1] = echo(7, 9, IOSQE_IO_LINK);
	c[2] = echo(8, 9, 0);
	fz_predict_chain(c, 3, &r128, &none, &kv);
	EXPECT(c[0].res == -5 && c[1].res == 7 && c[1].res2 == 9 && c[2].res == 8);
	/* res2 only on CQE32. */
	c[0] = echo(1, 0x42, 0);
	fz_predict_chain(c, 1, &r64, &none, &kv);
	EXPECT(c[0].res == 1 && c[0].res2 == 0);
	/* Kernel-internal results are refused. */
	c[0] = echo(-512, 0, 0);
	fz_predict_chain(c, 1, &r64, &none, &kv);
	EXPECT(c[0].res == -EINVAL);

	/* A prep failure fails the whole chain, hard links included. */
	c[0] = echo(1, 0, IOSQE_IO_HARDLINK);
	c[1] = echo(2, 0, IOSQE_IO_HARDLINK);
	c[1].prep_err = -EINVAL;
	c[2] = echo(3, 0, 0);
	fz_predict_chain(c, 3, &r64, &none, &kv);
	EXPECT(c[0].res == -ECANCELED && c[1].res == -EINVAL && c[2].res == -ECANCELED);

	/* SUM on SQE64: -EINVAL before validation. */
	{
		struct fz_policy deny = { .nr_validators = 1,
					  .validators = { FZ_V_RULES }, .nr_rules = 1,
					  .rules = { { UCMD_CMD_SUM, FZ_ANY_UID, -EPERM } } };
		struct fz_sqe s = { .kind = FZ_SUM, .cmd_op = UCMD_CMD_SUM, .fixed_file = -1 };

		c[0] = s;
		fz_predict_chain(c, 1, &r64, &deny, &kv);
		EXPECT(c[0].res == -EINVAL && !c[0].denied);
		c[0] = s;
		fz_predict_chain(c, 1, &r128, &deny, &kv);
		EXPECT(c[0].res == -EPERM && c[0].denied);
	}

	/* Attach order and uid precedence. */
	{
		struct fz_policy p2 = {
			.nr_validators = 2,
			.validators = { FZ_V_PAYLOAD, FZ_V_RULES },
			.nr_rules = 2,
			.rules = {
				{ UCMD_CMD_ECHO, FZ_ANY_UID, -EACCES },
				{ UCMD_CMD_ECHO, 1000, 0 },
			},
		};
		struct fz_ring u1000 = r64, u0 = r64;

		u1000.uid = 1000;
		c[0] = echo(1, 0xbad, 0);
		fz_predict_chain(c, 1, &u0, &p2, &kv);
		EXPECT(c[0].res == -EINVAL && c[0].denied);	/* payload_check first */
		c[0] = echo(1, 2, 0);
		fz_predict_chain(c, 1, &u0, &p2, &kv);
		EXPECT(c[0].res == -EACCES && c[0].denied);
		c[0] = echo(1, 2, 0);
		fz_predict_chain(c, 1, &u1000, &p2, &kv);
		EXPECT(c[0].res == 1 && !c[0].denied);		/* exact uid allows */
	}

	/* kv: effects only when the op ran. */
	c[0] = kv_op(FZ_KV_PUT, 105, 77, 0);
	fz_predict_chain(c, 1, &r128, &none, &kv);
	EXPECT(c[0].res == -EOPNOTSUPP && !kv.present[5]);
	c[0] = kv_op(FZ_KV_PUT, 105, 77, 0);
	fz_predict_chain(c, 1, &r128, &pol, &kv);
	EXPECT(c[0].res == 0 && kv.present[5] && kv.value[5] == 77);
	c[0] = kv_op(FZ_KV_GET, 105, 0, 0);
	fz_predict_chain(c, 1, &r128, &pol, &kv);
	EXPECT(c[0].res == 0 && c[0].res2 == 77);
	c[0] = echo(-1, 0, IOSQE_IO_LINK);
	c[1] = kv_op(FZ_KV_DEL, 105, 0, 0);
	fz_predict_chain(c, 2, &r128, &pol, &kv);
	EXPECT(c[1].res == -ECANCELED && kv.present[5]);

	if (failures)
		fprintf(stderr, "%d model predictions wrong\n", failures);
	return failures ? 1 : 0;
}
