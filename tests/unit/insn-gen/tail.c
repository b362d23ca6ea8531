};

/* Refused: each would #UD on the CPU, is not something a PV kernel needs
 * emulated, or carries a prefix or REX bit that selects nothing. */
static const struct bad_case bad_cases[] = {
@REJECTS@
};

/* ---- accepted forms ------------------------------------------------------- */

static void check_ok_case(const struct ok_case *c)
{
	static const uint8_t fills[] = { 0x00, 0x90, 0xcc, 0x0f, 0x66, 0xff };
	uint8_t bytes[INSN_MAX_LEN], padded[INSN_MAX_LEN];
	struct insn insn, again;
	char got[256];
	size_t n, i;

	n = parse_hex(c->hex, bytes, sizeof(bytes));
	if (decode_exact(&insn, bytes, n) != INSN_OK) {
		fail_msg("%s (%s): refused", c->dis, c->hex);
	}
	describe(&insn, got, sizeof(got));
	if (strcmp(got, c->want) != 0) {
		fail_msg("%s (%s):\n  got  %s\n  want %s", c->dis, c->hex, got, c->want);
	}
	/* Whatever follows the instruction must not change the result. */
	for (i = 0; i < sizeof(fills); i++) {
		memset(padded, fills[i], sizeof(padded));
		memcpy(padded, bytes, n);
		assert_int_equal(decode_exact(&again, padded, sizeof(padded)), INSN_OK);
		assert_true(insn_same(&insn, &again));
	}
}

static void test_accepts_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok_cases); i++) {
		check_ok_case(&ok_cases[i]);
	}
}

/* A copy cut short anywhere inside a supported instruction is "truncated". */
static void test_truncated_at_every_length(void **state)
{
	uint8_t bytes[INSN_MAX_LEN];
	struct insn insn;
	size_t i, n, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok_cases); i++) {
		n = parse_hex(ok_cases[i].hex, bytes, sizeof(bytes));
		for (k = 0; k < n; k++) {
			if (decode_exact(&insn, bytes, k) != INSN_ETRUNCATED) {
				fail_msg("%s cut to %zu bytes: not truncated", ok_cases[i].dis, k);
			}
			assert_reset(&insn);
		}
	}
}

/* Each kind the API names is reached by at least one row of the table. */
static void test_every_kind_covered(void **state)
{
	bool seen[INSN_KIND_COUNT] = { false };
	uint8_t bytes[INSN_MAX_LEN];
	struct insn insn;
	size_t i, n;
	int k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok_cases); i++) {
		n = parse_hex(ok_cases[i].hex, bytes, sizeof(bytes));
		assert_int_equal(decode_exact(&insn, bytes, n), INSN_OK);
		seen[insn.kind] = true;
	}
	assert_int_equal(decode_exact(&insn, (const uint8_t *)"\x0f\x0b" "xen\x0f\xa2", 7), INSN_OK);
	seen[insn.kind] = true;
	for (k = INSN_UNKNOWN + 1; k < INSN_KIND_COUNT; k++) {
		if (!seen[k]) {
			fail_msg("no test decodes to %s", insn_kind_name((enum insn_kind)k));
		}
	}
}

/* ---- refusals ------------------------------------------------------------- */

static void test_rejects_table(void **state)
{
	uint8_t bytes[INSN_MAX_LEN], padded[INSN_MAX_LEN];
	struct insn insn;
	bool refused;
	size_t i, n, k;
	int rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		n = parse_hex(c->hex, bytes, sizeof(bytes));
		rc = decode_exact(&insn, bytes, n);
		if (rc != INSN_EUNSUPPORTED) {
			fail_msg("%s (%s): got %d", c->why, c->hex, rc);
		}
		assert_reset(&insn);
		memset(padded, 0x90, sizeof(padded));
		memcpy(padded, bytes, n);
		assert_int_equal(decode_exact(&insn, padded, sizeof(padded)), INSN_EUNSUPPORTED);
		/* Shorter copies: truncated until the refusing byte, refused after. */
		refused = false;
		for (k = 0; k < n; k++) {
			rc = decode_exact(&insn, bytes, k);
			assert_true(rc == INSN_ETRUNCATED || rc == INSN_EUNSUPPORTED);
			assert_false(refused && rc == INSN_ETRUNCATED);
			refused = rc == INSN_EUNSUPPORTED;
		}
	}
}

static void expect_rc(const char *hex, int want)
{
	uint8_t bytes[32];
	struct insn insn;
	size_t n;
	int rc;

	n = parse_hex(hex, bytes, sizeof(bytes));
	rc = decode_exact(&insn, bytes, n);
	if (rc != want) {
		fail_msg("\"%s\": got %d, want %d", hex, rc, want);
	}
}

/* Truncated only while the bytes could still begin something supported. */
static void test_truncated_or_refused_early(void **state)
{
	(void)state;
	expect_rc("", INSN_ETRUNCATED);
	expect_rc("f0", INSN_ETRUNCATED);
	expect_rc("66 67 64 f0", INSN_ETRUNCATED);
	expect_rc("48", INSN_ETRUNCATED);
	expect_rc("0f", INSN_ETRUNCATED);
	expect_rc("0f 01", INSN_ETRUNCATED);
	expect_rc("0f 0b", INSN_ETRUNCATED);
	expect_rc("0f 0b 78 65 6e 0f", INSN_ETRUNCATED);
	expect_rc("48 89 84 24 00 01", INSN_ETRUNCATED);
	expect_rc("cd", INSN_ETRUNCATED);
	/* Refused on the first byte that rules everything out. */
	expect_rc("c4", INSN_EUNSUPPORTED);
	expect_rc("c5", INSN_EUNSUPPORTED);
	expect_rc("62", INSN_EUNSUPPORTED);
	expect_rc("8f", INSN_EUNSUPPORTED);
	expect_rc("d6", INSN_EUNSUPPORTED);
	expect_rc("f0 f0", INSN_EUNSUPPORTED);
	expect_rc("48 48", INSN_EUNSUPPORTED);
	expect_rc("48 66", INSN_EUNSUPPORTED);
	expect_rc("0f 0b 90", INSN_EUNSUPPORTED);
	expect_rc("0f 05", INSN_EUNSUPPORTED);
	expect_rc("0f 01 d0", INSN_EUNSUPPORTED);
	expect_rc("f0 48 89", INSN_ETRUNCATED);	/* ModRM decides the form */
	expect_rc("f0 48 89 07", INSN_EUNSUPPORTED);
}

/* ---- the forced-emulation prefix ------------------------------------------ */

static void test_forced_cpuid(void **state)
{
	static const uint8_t sig[] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2, 0x0f, 0x0b };
	struct insn insn;
	char got[128];
	size_t k;

	(void)state;
	assert_int_equal(decode_exact(&insn, sig, 7), INSN_OK);
	describe(&insn, got, sizeof(got));
	assert_string_equal(got, "forced_cpuid len=7");
	assert_int_equal(insn.opsize, 0);
	assert_false(insn.mem);
	/* The next instruction (another prefix here) is not part of it. */
	assert_int_equal(decode_exact(&insn, sig, sizeof(sig)), INSN_OK);
	assert_int_equal(insn.len, 7);
	for (k = 0; k < 7; k++) {
		assert_int_equal(decode_exact(&insn, sig, k), INSN_ETRUNCATED);
	}
}

/* ---- the 15-byte limit ---------------------------------------------------- */

static void test_length_limit(void **state)
{
	/* lock orl $0x12345678,%gs:0x11223344(%r12d,%r13d,8): 15 bytes. */
	static const char *longest =
		"65 67 f0 43 81 8c ec 44 33 22 11 78 56 34 12";
	uint8_t bytes[INSN_MAX_LEN], *heap;
	struct insn insn;
	size_t n;

	(void)state;
	n = parse_hex(longest, bytes, sizeof(bytes));
	assert_int_equal(n, INSN_MAX_LEN);
	assert_int_equal(decode_exact(&insn, bytes, n), INSN_OK);
	assert_int_equal(insn.len, 15);
	/* A caller's count above 15 must not make it read a 16th byte. */
	heap = malloc(INSN_MAX_LEN);
	assert_non_null(heap);
	memcpy(heap, bytes, INSN_MAX_LEN);
	assert_int_equal(insn_decode(&insn, heap, 4096), INSN_OK);
	assert_int_equal(insn.len, 15);
	assert_int_equal(insn_decode(&insn, heap, SIZE_MAX), INSN_OK);
	free(heap);
	assert_int_equal(decode_exact(&insn, bytes, 14), INSN_ETRUNCATED);
}

/* ---- addresses and operands ----------------------------------------------- */

static void test_effective_address_table(void **state)
{
	uint8_t bytes[INSN_MAX_LEN];
	struct insn_regs r;
	struct insn insn;
	uint64_t ea;
	size_t i, n;

	(void)state;
	test_regs(&r);
	for (i = 0; i < ARRAY_SIZE(ok_cases); i++) {
		n = parse_hex(ok_cases[i].hex, bytes, sizeof(bytes));
		assert_int_equal(decode_exact(&insn, bytes, n), INSN_OK);
		ea = 0;
		assert_int_equal(insn_effective_address(&insn, &r, &ea), insn.mem);
		if (ea != ok_cases[i].ea) {
			fail_msg("%s: address %#llx, want %#llx", ok_cases[i].dis,
				 (unsigned long long)ea, (unsigned long long)ok_cases[i].ea);
		}
	}
}

static uint64_t ea_of(const char *hex, const struct insn_regs *r)
{
	uint8_t bytes[INSN_MAX_LEN];
	struct insn insn;
	uint64_t ea = 0;
	size_t n;

	n = parse_hex(hex, bytes, sizeof(bytes));
	assert_int_equal(decode_exact(&insn, bytes, n), INSN_OK);
	assert_true(insn_effective_address(&insn, r, &ea));
	return ea;
}

static void test_effective_address_edges(void **state)
{
	struct insn_regs r;
	struct insn insn;
	uint64_t ea = 0x55;

	(void)state;
	memset(&r, 0, sizeof(r));
	/* movl %eax,0x1(%eax): the 32-bit sum wraps to 0, then zero-extends. */
	r.gpr[0] = 0x12345678ffffffffULL;
	assert_int_equal(ea_of("67 89 40 01", &r), 0);
	/* ... and FS's base is added after the wrap. */
	r.fs_base = 0x7f0000001000ULL;
	assert_int_equal(ea_of("64 67 89 40 01", &r), 0x7f0000001000ULL);
	/* movq %rax,(%rax,%rcx,8): 64-bit arithmetic wraps modulo 2^64. */
	r.gpr[0] = 1;
	r.gpr[1] = 0x2000000000000000ULL;
	assert_int_equal(ea_of("48 89 04 c8", &r), 1);
	/* movq %rax,-0x8(%rdi) with rdi = 4: below zero wraps too. */
	r.gpr[7] = 4;
	assert_int_equal(ea_of("48 89 47 f8", &r), 0xfffffffffffffffcULL);
	/* movq $0x7fffffff,0x10(%rip): relative to the end, immediate included. */
	r.rip = 0x1000;
	assert_int_equal(ea_of("48 c7 05 10 00 00 00 ff ff ff 7f", &r), 0x1000 + 11 + 0x10);
	/* movl %eax,-0x10(%eip): EIP-relative, computed in 32 bits. */
	r.rip = 0x100000004ULL;
	assert_int_equal(ea_of("67 89 05 f0 ff ff ff", &r), 0xfffffffbULL);
	/* DS, CS, SS and ES overrides have no base in 64-bit mode. */
	r.gpr[7] = 0x1000;
	r.fs_base = 0xaaaa000;
	r.gs_base = 0xbbbb000;
	assert_int_equal(ea_of("3e 48 89 07", &r), 0x1000);
	assert_int_equal(ea_of("36 48 89 07", &r), 0x1000);
	assert_int_equal(ea_of("64 48 89 07", &r), 0xaaab000);
	assert_int_equal(ea_of("65 48 89 07", &r), 0xbbbc000);
	/* rep outsl %gs:(%esi),(%dx) and insb: the first element's address. */
	r.gpr[6] = 0xffffffff00000010ULL;
	assert_int_equal(ea_of("65 67 f3 6f", &r), 0xbbbb010);
	assert_int_equal(ea_of("6c", &r), 0x1000);
	/* No memory operand: false, *linear untouched. */
	assert_int_equal(decode_exact(&insn, (const uint8_t *)"\x0f\xa2", 2), INSN_OK);
	assert_false(insn_effective_address(&insn, &r, &ea));
	assert_int_equal(ea, 0x55);
}

static void test_gpr_access(void **state)
{
	uint64_t g[16];
	unsigned int i;

	(void)state;
	for (i = 0; i < 16; i++) {
		g[i] = 0x1122334455667788ULL + i;
	}
	assert_int_equal(insn_gpr_read(g, 0, false, 1), 0x88);
	assert_int_equal(insn_gpr_read(g, 0, false, 2), 0x7788);
	assert_int_equal(insn_gpr_read(g, 0, false, 4), 0x55667788);
	assert_int_equal(insn_gpr_read(g, 0, false, 8), 0x1122334455667788ULL);
	assert_int_equal(insn_gpr_read(g, 4, true, 1), 0x77);	/* ah */
	assert_int_equal(insn_gpr_read(g, 7, true, 1), 0x77);	/* bh */
	assert_int_equal(insn_gpr_read(g, 4, false, 1), 0x8c);	/* spl */
	assert_int_equal(insn_gpr_read(g, 15, false, 1), 0x97);	/* r15b */
	assert_int_equal(insn_gpr_read(g, 17, false, 8), g[1]);	/* masked */

	insn_gpr_write(g, 0, false, 4, 0xffffffffaabbccddULL);
	assert_int_equal(g[0], 0xaabbccddULL);	/* 32-bit writes zero-extend */
	g[1] = 0x1122334455667788ULL;
	insn_gpr_write(g, 1, false, 2, 0xeeff);
	assert_int_equal(g[1], 0x112233445566eeffULL);
	insn_gpr_write(g, 1, false, 1, 0x1234);
	assert_int_equal(g[1], 0x112233445566ee34ULL);
	insn_gpr_write(g, 5, true, 1, 0xab);	/* ch */
	assert_int_equal(g[1], 0x112233445566ab34ULL);
	insn_gpr_write(g, 5, false, 1, 0xcd);	/* bpl */
	assert_int_equal(g[5] & 0xffff, ((0x7788 + 5) & 0xff00) | 0xcd);
	insn_gpr_write(g, 9, false, 8, 0x0123456789abcdefULL);
	assert_int_equal(g[9], 0x0123456789abcdefULL);
}

static uint64_t src_of(const char *hex, const uint64_t g[16])
{
	uint8_t bytes[INSN_MAX_LEN];
	struct insn insn;
	size_t n;

	n = parse_hex(hex, bytes, sizeof(bytes));
	assert_int_equal(decode_exact(&insn, bytes, n), INSN_OK);
	return insn_src_value(&insn, g);
}

static void test_src_value(void **state)
{
	uint64_t g[16] = { 0 };

	(void)state;
	g[0] = 0xfedcba9876543210ULL;
	g[8] = 0x1ff;
	assert_int_equal(src_of("48 89 07", g), 0xfedcba9876543210ULL);	/* movq %rax */
	assert_int_equal(src_of("89 07", g), 0x76543210);			/* movl %eax */
	assert_int_equal(src_of("88 27", g), 0x32);				/* movb %ah */
	assert_int_equal(src_of("44 88 07", g), 0xff);				/* movb %r8b */
	assert_int_equal(src_of("c7 07 ff ff ff ff", g), 0xffffffff);		/* movl $-1 */
	assert_int_equal(src_of("48 c7 07 ff ff ff ff", g), ~0ULL);		/* movq $-1 */
	assert_int_equal(src_of("66 c7 07 fe ff", g), 0xfffe);			/* movw */
	assert_int_equal(src_of("f0 48 83 27 df", g), 0xffffffffffffffdfULL);	/* andq $-0x21 */
	assert_int_equal(src_of("f0 80 27 fd", g), 0xfd);			/* andb $0xfd */
	assert_int_equal(src_of("f0 0f b0 37", g), 0);				/* cmpxchg %dh */
	assert_int_equal(src_of("f0 0f c7 0f", g), 0);				/* cmpxchg8b */
	assert_int_equal(src_of("f0 48 0f ba 2f 05", g), 0);			/* bts: no source */
	assert_int_equal(src_of("0f a2", g), 0);
}

static void test_kind_names(void **state)
{
	const char *names[INSN_KIND_COUNT];
	int k, j;

	(void)state;
	for (k = 0; k < INSN_KIND_COUNT; k++) {
		names[k] = insn_kind_name((enum insn_kind)k);
		assert_non_null(names[k]);
		assert_string_not_equal(names[k], "invalid");
		for (j = 0; j < k; j++) {
			assert_string_not_equal(names[j], names[k]);
		}
	}
	assert_string_equal(insn_kind_name(INSN_KIND_COUNT), "invalid");
	assert_string_equal(insn_kind_name((enum insn_kind)1000), "invalid");
	assert_string_equal(insn_kind_name(INSN_MEM_STORE), "mem_store");
	assert_string_equal(insn_kind_name(INSN_FORCED_CPUID), "forced_cpuid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_table),
		cmocka_unit_test(test_truncated_at_every_length),
		cmocka_unit_test(test_every_kind_covered),
		cmocka_unit_test(test_rejects_table),
		cmocka_unit_test(test_truncated_or_refused_early),
		cmocka_unit_test(test_forced_cpuid),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_effective_address_table),
		cmocka_unit_test(test_effective_address_edges),
		cmocka_unit_test(test_gpr_access),
		cmocka_unit_test(test_src_value),
		cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
