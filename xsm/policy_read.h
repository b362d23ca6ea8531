/*
 * Reading the policy blob's little-endian fields and table entries, shared
 * by the loader (policy_load.c) and the lookups (policy_lookup.c).
 *
 * A byte at a time: the caller's buffer may be unaligned, the blob is
 * little-endian whatever the host, and verify/wp can follow byte reads
 * (GCC merges the loads). The contracts tie each field to the logic
 * functions of xsm/policy.h, which the proofs of both files reason with.
 * Callers check every index first; these only read.
 */
#ifndef MOAT_XSM_POLICY_READ_H
#define MOAT_XSM_POLICY_READ_H

#include <xsm/policy.h>

/*@ requires \valid_read(b + (0 .. 1));
    assigns \nothing;
    ensures \result == pol_u16(b); */
static inline uint16_t rd16(const uint8_t *b)
{
	return (uint16_t)(b[0] + 256U * b[1]);
}

/*@ requires \valid_read(b + (0 .. 3));
    assigns \nothing;
    ensures \result == pol_u32(b); */
static inline uint32_t rd32(const uint8_t *b)
{
	return (uint32_t)rd16(b) + 65536U * rd16(b + 2);
}

/*@ requires \valid_read(b + (0 .. 7));
    assigns \nothing;
    ensures \result == pol_u64(b); */
static inline uint64_t rd64(const uint8_t *b)
{
	return (uint64_t)rd32(b) + 4294967296ULL * rd32(b + 4);
}

/* Entry i of AVTAB tab. */
/*@ requires \valid_read(tab + (16 * i .. 16 * i + 15)) && \valid(a);
    requires \separated(a, tab + (16 * i .. 16 * i + 15));
    assigns *a;
    ensures a->source == av_source(tab, i) && a->target == av_target(tab, i);
    ensures a->tclass == av_tclass(tab, i) && a->kind == av_kind(tab, i);
    ensures a->perms == av_perms(tab, i) && a->cond == av_cond(tab, i); */
static inline void blob_av_at(const uint8_t *tab, uint32_t i, struct policy_blob_av *a)
{
	const uint8_t *b = tab + (size_t)i * sizeof(*a);

	a->source = rd16(b);
	a->target = rd16(b + 2);
	a->tclass = rd16(b + 4);
	a->kind = rd16(b + 6);
	a->perms = rd32(b + 8);
	a->cond = rd32(b + 12);
}

/* Entry i of TRANS tab. */
/*@ requires \valid_read(tab + (16 * i .. 16 * i + 15)) && \valid(t);
    requires \separated(t, tab + (16 * i .. 16 * i + 15));
    assigns *t;
    ensures t->source == tr_source(tab, i) && t->target == tr_target(tab, i);
    ensures t->tclass == tr_tclass(tab, i) && t->new_type == tr_new_type(tab, i);
    ensures t->cond == tr_cond(tab, i) && t->pad == tr_pad(tab, i); */
static inline void blob_trans_at(const uint8_t *tab, uint32_t i, struct policy_blob_trans *t)
{
	const uint8_t *b = tab + (size_t)i * sizeof(*t);

	t->source = rd16(b);
	t->target = rd16(b + 2);
	t->tclass = rd16(b + 4);
	t->new_type = rd16(b + 6);
	t->cond = rd32(b + 8);
	t->pad = rd32(b + 12);
}

/* The class of value i + 1 (entry i) of CLASSES tab. */
/*@ requires \valid_read(tab + (16 * i .. 16 * i + 15)) && \valid(c);
    requires \separated(c, tab + (16 * i .. 16 * i + 15));
    assigns *c;
    ensures c->name == cls_name(tab, i + 1);
    ensures c->perm_first == cls_perm_first(tab, i + 1);
    ensures c->perm_count == cls_perm_count(tab, i + 1);
    ensures c->pad == pol_u32(tab + (16 * i + 12)); */
static inline void blob_class_at(const uint8_t *tab, uint32_t i, struct policy_blob_class *c)
{
	const uint8_t *b = tab + (size_t)i * sizeof(*c);

	c->name = rd32(b);
	c->perm_first = rd32(b + 4);
	c->perm_count = rd32(b + 8);
	c->pad = rd32(b + 12);
}

#endif
