/*
 * standalone_main.c - a main() for the fuzz targets in builds without a
 * fuzzing engine (gcc, msan, release): run LLVMFuzzerTestOneInput once per
 * file named on the command line (directories are walked, one level), as
 * libFuzzer does when given files.  Used for corpus and regression replay.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return fprintf(stderr, "%s: cannot open\n", path), 1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return fprintf(stderr, "%s: cannot read\n", path), 1;
	}
	fclose(f);
	fprintf(stderr, "Running: %s\n", path);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0, runs = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (argv[i][0] == '-')
			continue;  /* libFuzzer-style flags are ignored */
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			struct dirent **ents;
			int n = scandir(argv[i], &ents, NULL, alphasort);

			for (int j = 0; j < n; j++) {
				char path[4096];

				if (ents[j]->d_name[0] != '.') {
					snprintf(path, sizeof(path), "%s/%s", argv[i], ents[j]->d_name);
					bad |= run_file(path);
					runs++;
				}
				free(ents[j]);
			}
			free(ents);
		} else {
			bad |= run_file(argv[i]);
			runs++;
		}
	}
	fprintf(stderr, "Executed %d inputs\n", runs);
	return bad;
}
