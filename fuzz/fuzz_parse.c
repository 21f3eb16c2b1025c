/*
 * fuzz_parse.c - fuzz the strict .bfp text parser.  Any bytes: the parser
 * either accepts them or rejects them with one clean "input:LINE:COL: message"
 * error; it never crashes.  An accepted program must print back to text that
 * parses to the same program.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz/fuzz_common.h"

static int clean_error(const char *err)
{
	const char *s = err;
	int colons = 0;

	if (strncmp(s, "input:", 6))
		return 0;
	s += 6;
	for (; colons < 2; colons++) {   /* LINE: COL: */
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
		if (*s++ != ':')
			return 0;
	}
	return *s == ' ' && s[1] && !strchr(s, '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bf_prog p, q;
	char err[1024], *text = malloc(size + 1), *printed = NULL;
	size_t plen = 0;
	FILE *f;

	memcpy(text, data, size);
	text[size] = 0;
	if (bf_prog_parse(&p, "input", text, err, sizeof(err))) {
		if (!clean_error(err))
			bf_fuzz_abort("PARSE-ERROR-FORMAT: not 'input:LINE:COL: message': \"%s\"", err);
		bf_prog_free(&p);
		free(text);
		return 0;
	}
	f = open_memstream(&printed, &plen);
	bf_prog_print(&p, f);
	fclose(f);
	if (bf_prog_parse(&q, "printed", printed, err, sizeof(err)))
		bf_fuzz_abort("PRINT-ROUNDTRIP: the printed program does not parse: %s\n--- printed\n%s", err, printed);
	if (!bf_prog_equal(&p, &q))
		bf_fuzz_abort("PRINT-ROUNDTRIP: the printed program parses to a different program\n--- printed\n%s",
			      printed);
	bf_prog_free(&q);
	bf_prog_free(&p);
	free(printed);
	free(text);
	return 0;
}
