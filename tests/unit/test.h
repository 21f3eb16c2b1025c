/*
 * test.h - a tiny counting test runner in the style of the kernel's userspace
 * test harnesses: TEST(name) { ... } functions registered in a table, each
 * resetting its own state; ASSERT_* print the failing line and end that test.
 * main() prints "N tests run, P passed, F failed" and exits non-zero on failure.
 */
#ifndef BF_TEST_H
#define BF_TEST_H

#include <stdio.h>
#include <string.h>

struct bf_test {
	const char *name;
	int (*fn)(void);
};

#define TEST(name) static int name(void)
#define ASSERT_TRUE(c)                                                          \
	do {                                                                    \
		if (!(c)) {                                                     \
			fprintf(stderr, "  %s:%d: ASSERT_TRUE(%s) failed\n", __FILE__, __LINE__, #c); \
			return 1;                                               \
		}                                                               \
	} while (0)
#define ASSERT_EQ(a, b)                                                         \
	do {                                                                    \
		long long _a = (long long)(a), _b = (long long)(b);             \
		if (_a != _b) {                                                 \
			fprintf(stderr, "  %s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b, _a, _b); \
			return 1;                                               \
		}                                                               \
	} while (0)
#define ASSERT_STREQ(a, b)                                                      \
	do {                                                                    \
		if (strcmp((a), (b))) {                                         \
			fprintf(stderr, "  %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, (a), (b)); \
			return 1;                                               \
		}                                                               \
	} while (0)

static inline int bf_run_tests(const struct bf_test *t, int n)
{
	int passed = 0;

	for (int i = 0; i < n; i++) {
		int rc = t[i].fn();

		printf("%s %s\n", rc ? "FAIL" : "ok  ", t[i].name);
		passed += !rc;
	}
	printf("%d tests run, %d passed, %d failed\n", n, passed, n - passed);
	return passed == n ? 0 : 1;
}
#define RUN_TESTS(...)                                                          \
	int main(void)                                                          \
	{                                                                       \
		static const struct bf_test tests[] = { __VA_ARGS__ };          \
		return bf_run_tests(tests, (int)(sizeof(tests) / sizeof(tests[0]))); \
	}
#define T(fn) { #fn, fn }

/* xorshift64: the tests' deterministic PRNG, state passed by the caller. */
static inline unsigned long bf_rnd(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif /* BF_TEST_H */
