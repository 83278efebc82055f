/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A rule condition on a payload field (struct ucmd_rule_cond): shared by
 * the rules policy of /dev/ucmd (rules.bpf.c, on the payload ucmd.ko
 * copied) and the LSM policy of any device (lsm.bpf.c, on the
 * SQE's command area).
 */
#ifndef UCMD_RULES_COND_BPF_H
#define UCMD_RULES_COND_BPF_H

/*
 * One load of @size bytes at @p + @off, unaligned: clang splits a C one
 * into byte loads (its BPF target does not assume unaligned access), the
 * verifier allows it where the architecture does. Each size has its own
 * bound, so that the load stays inside the 80 bytes the pointer covers.
 */
static __always_inline bool load_field(const __u8 *p, __u32 off, __u32 size,
				       __u64 *v)
{
	__u64 x;

#ifdef UCMD_COND_BYTEWISE
	/*
	 * @p on the stack (lsm.bpf.c): the verifier wants stack loads
	 * aligned, so the field is put together a byte at a time.
	 */
	if ((size != 1 && size != 2 && size != 4 && size != 8) ||
	    off > UCMD_PAYLOAD_SQE128 - size)
		return false;
	x = 0;
	for (__u32 i = 0; i < 8; i++) {
		if (i >= size)
			break;
		x |= (__u64)p[(off + i) & (UCMD_PAYLOAD_SQE128 * 2 - 1)] << (8 * i);
	}
	*v = x;
	return true;
#endif

	switch (size) {
	case 1:
		if (off > UCMD_PAYLOAD_SQE128 - 1)
			return false;
		x = p[off];
		break;
	case 2:
		if (off > UCMD_PAYLOAD_SQE128 - 2)
			return false;
		asm volatile("%0 = *(u16 *)(%1 + 0)" : "=r"(x) : "r"(p + off));
		break;
	case 4:
		if (off > UCMD_PAYLOAD_SQE128 - 4)
			return false;
		asm volatile("%0 = *(u32 *)(%1 + 0)" : "=r"(x) : "r"(p + off));
		break;
	case 8:
		if (off > UCMD_PAYLOAD_SQE128 - 8)
			return false;
		asm volatile("%0 = *(u64 *)(%1 + 0)" : "=r"(x) : "r"(p + off));
		break;
	default:
		return false;
	}
	*v = x;
	return true;
}

static __always_inline bool cond_holds(const struct ucmd_rule_cond *c,
				       const __u8 *p, __u32 len)
{
	__u32 off = c->offset, size = c->size, shift;
	__u64 v, val = c->value, bias;
	__u8 cmp = c->cmp;

	if (!p || size > 8 || off + size > len)
		return false;			/* past the payload */
	if (!load_field(p, off, size, &v))
		return false;
	shift = 64 - 8 * size;
	if (c->flags & UCMD_COND_SIGNED)	/* little-endian: sign-extend */
		v = (__s64)(v << shift) >> shift;
	if (cmp == UCMD_CMP_MASK)
		return v & val;
	if (cmp == UCMD_CMP_EQ)
		return v == val;
	if (cmp == UCMD_CMP_NE)
		return v != val;
	/* signed order as unsigned order: flip both sign bits */
	bias = (__u64)(c->flags & UCMD_COND_SIGNED) << 63;
	v ^= bias;
	val ^= bias;
	switch (cmp) {
	case UCMD_CMP_LT: return v < val;
	case UCMD_CMP_LE: return v <= val;
	case UCMD_CMP_GT: return v > val;
	case UCMD_CMP_GE: return v >= val;
	}
	return false;
}


/* All of @r's conditions hold on the @len bytes at @p (none: true). */
static __always_inline bool conds_hold(const struct ucmd_rule *r,
				       const __u8 *p, __u32 len)
{
	for (int i = 0; i < UCMD_RULE_MAX_CONDS; i++) {
		if (i >= r->nr_conds)
			break;
		if (!cond_holds(&r->conds[i], p, len))
			return false;
	}
	return true;
}

#endif
