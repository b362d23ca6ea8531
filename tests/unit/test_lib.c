/* Unit tests of the portable formatter and string helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <hv/lib.h>

static void test_fmt_basic(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%d %u %x %s", -5, 7u, 255u, "hi"), 10);
	assert_string_equal(buf, "-5 7 ff hi");
	fmt_snprintf(buf, sizeof(buf), "%08lx|%-4s|%4d", 0xbeefUL, "a", 42);
	assert_string_equal(buf, "0000beef|a   |  42");
	fmt_snprintf(buf, sizeof(buf), "%.3s %c %%", "abcdef", 'z');
	assert_string_equal(buf, "abc z %");
}

static void test_fmt_truncates(void **state)
{
	char buf[6];

	(void)state;
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
	assert_string_equal(buf, "01234");
}

static void test_fmt_int64_min(void **state)
{
	char buf[32];

	(void)state;
	fmt_snprintf(buf, sizeof(buf), "%ld", (long)INT64_MIN);
	assert_string_equal(buf, "-9223372036854775808");
}

static void test_str_to_u64(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(str_to_u64("1234", 4, &v));
	assert_int_equal(v, 1234);
	assert_true(str_to_u64("0x1F", 4, &v));
	assert_int_equal(v, 31);
	assert_true(str_to_u64("18446744073709551615", 20, &v));
	assert_false(str_to_u64("18446744073709551616", 20, &v));
	assert_false(str_to_u64("", 0, &v));
	assert_false(str_to_u64("12a", 3, &v));
	assert_false(str_to_u64("0x", 2, &v));
}

static void test_index_nospec(void **state)
{
	(void)state;
	assert_int_equal(index_nospec(3, 8), 3);
	assert_int_equal(index_nospec(8, 8), 0);
	assert_int_equal(index_nospec(SIZE_MAX, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_basic),
		cmocka_unit_test(test_fmt_truncates),
		cmocka_unit_test(test_fmt_int64_min),
		cmocka_unit_test(test_str_to_u64),
		cmocka_unit_test(test_index_nospec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
