/*
 * run.c - fork/exec a variant's replayer with a timeout (run.h).
 *
 * The child gets its own process group so that a timeout kills everything it
 * started (setarch execs the replayer in the same process); its stdout and
 * stderr share one pipe, read with poll() until EOF or the deadline.  The
 * environment is pinned for sanitizer variants so every replay of an input
 * behaves the same: leaks detected, abort on the first error, symbolized
 * frames (a report without function names gives no signature).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "triage/run.h"

#define OUT_CAP (1 << 20)
#define SYMBOLIZER "/usr/lib/llvm-14/bin/llvm-symbolizer"

static int is_exe(const char *path, struct stat *sb)
{
	return !stat(path, sb) && S_ISREG(sb->st_mode) && !access(path, X_OK);
}

/* Was the preset built with sanitizers?  Its CMakeCache says so; else guess by name. */
static int has_sanitizer(const char *dir, const char *name)
{
	char path[4200], line[4096];
	FILE *f;
	int san = 0;

	snprintf(path, sizeof(path), "%s/CMakeCache.txt", dir);
	f = fopen(path, "r");
	if (!f)
		return strstr(name, "san") != NULL;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CMAKE_C_FLAGS", 13) && strstr(line, "-fsanitize="))
			san = 1;
	fclose(f);
	return san;
}

static int cmp_variant(const void *a, const void *b)
{
	return strcmp(((const struct bf_variant *)a)->name, ((const struct bf_variant *)b)->name);
}

int bf_variants_list(const char *build_dir, struct bf_variant **out)
{
	DIR *d = opendir(build_dir);
	struct dirent *e;
	struct bf_variant *v = NULL;
	int n = 0;

	*out = NULL;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char dir[4096], exe[4200];
		struct stat sb;
		int replay = 1;

		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(v->name))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", build_dir, e->d_name);
		snprintf(exe, sizeof(exe), "%s/bf-replay", dir);
		if (!is_exe(exe, &sb)) {
			snprintf(exe, sizeof(exe), "%s/fuzz_ops", dir);
			replay = 0;
			if (!is_exe(exe, &sb))
				continue;
		}
		struct bf_variant *nv = realloc(v, (size_t)(n + 1) * sizeof(*v));

		if (!nv)
			break;
		v = nv;
		memset(&v[n], 0, sizeof(v[n]));
		memcpy(v[n].name, e->d_name, strlen(e->d_name) + 1);      /* length checked above */
		if (strlen(exe) >= sizeof(v[n].exe))
			continue;
		memcpy(v[n].exe, exe, strlen(exe) + 1);
		v[n].is_replay = replay;
		v[n].sanitizer = has_sanitizer(dir, e->d_name);
		snprintf(v[n].build_id, sizeof(v[n].build_id), "%ld-%ld", (long)sb.st_mtime, (long)sb.st_size);
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, (size_t)n, sizeof(*v), cmp_variant);
	*out = v;
	return n;
}

static int rnd_bits_high(void)
{
	FILE *f = fopen("/proc/sys/vm/mmap_rnd_bits", "r");
	int bits = 0;

	if (f) {
		if (fscanf(f, "%d", &bits) != 1)
			bits = 0;
		fclose(f);
	}
	return bits > 28;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* In the child: set the environment and exec.  Never returns. */
static void child(const struct bf_variant *v, const char *file, int fmt, int pipefd)
{
	const char *argv[8];
	struct utsname u;
	int a = 0;

	setpgid(0, 0);
	dup2(pipefd, 1);
	dup2(pipefd, 2);
	close(pipefd);
	setenv("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1:symbolize=1", 1);
	setenv("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1:symbolize=1", 1);
	setenv("MSAN_OPTIONS", "halt_on_error=1:symbolize=1", 1);
	setenv("TSAN_OPTIONS", "halt_on_error=1:symbolize=1", 1);
	if (!access(SYMBOLIZER, X_OK)) {
		setenv("ASAN_SYMBOLIZER_PATH", SYMBOLIZER, 1);
		setenv("UBSAN_SYMBOLIZER_PATH", SYMBOLIZER, 1);
		setenv("MSAN_SYMBOLIZER_PATH", SYMBOLIZER, 1);
		setenv("TSAN_SYMBOLIZER_PATH", SYMBOLIZER, 1);
	}
	if (v->sanitizer && rnd_bits_high() && !uname(&u)) {
		argv[a++] = "setarch";
		argv[a++] = strdup(u.machine);
		argv[a++] = "-R";
	}
	argv[a++] = v->exe;
	if (v->is_replay)
		argv[a++] = fmt == 't' ? "--text" : "--bin";
	argv[a++] = file;
	argv[a] = NULL;
	execvp(argv[0], (char *const *)argv);
	fprintf(stderr, "bf-triage: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int bf_run_variant(const struct bf_variant *v, const char *file, int fmt, double timeout_s,
		   struct bf_run_result *r)
{
	int fds[2], status = 0;
	double t0 = now_s(), deadline = t0 + timeout_s;
	size_t cap = 65536;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->output = malloc(cap);
	if (!r->output)
		return -1;
	r->output[0] = 0;
	if (pipe2(fds, O_CLOEXEC)) {
		snprintf(r->output, cap, "cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(r->output, cap, "cannot fork: %s", strerror(errno));
		close(fds[0]), close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		child(v, file, fmt, fds[1]);
	}
	setpgid(pid, pid);      /* also here: no race with an early kill */
	close(fds[1]);
	for (;;) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		double left = deadline - now_s();
		char buf[8192];
		ssize_t got;

		if (left <= 0) {
			r->timed_out = 1;
			kill(-pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			break;
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		got = read(fds[0], buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (r->len + (size_t)got + 1 > cap && cap < OUT_CAP) {
			size_t nc = cap * 2 > OUT_CAP ? OUT_CAP : cap * 2;
			char *no = realloc(r->output, nc);

			if (no)
				r->output = no, cap = nc;
		}
		if (r->len + (size_t)got + 1 > cap)
			got = (ssize_t)(cap - 1 - r->len);   /* capped: keep draining, keep the head */
		memcpy(r->output + r->len, buf, (size_t)got);
		r->len += (size_t)got;
		r->output[r->len] = 0;
	}
	close(fds[0]);
	/* EOF can come before the exit (a child closing its outputs): wait up to the deadline. */
	while (waitpid(pid, &status, r->timed_out ? 0 : WNOHANG) == 0) {
		if (now_s() >= deadline) {
			r->timed_out = 1;
			kill(-pid, SIGKILL);
			continue;
		}
		usleep(1000);
	}
	kill(-pid, SIGKILL);    /* anything the child left behind in its group */
	r->seconds = now_s() - t0;
	if (WIFEXITED(status)) {
		r->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		r->exit_code = -1;
		r->sig = WTERMSIG(status);
	}
	if (r->timed_out)
		r->sig = 0, r->exit_code = -1;
	return 0;
}

void bf_run_result_free(struct bf_run_result *r)
{
	free(r->output);
	memset(r, 0, sizeof(*r));
}

int bf_variant_use_diff(struct bf_variant *v)
{
	char exe[sizeof(v->exe)];
	char *slash = strrchr(v->exe, '/');
	struct stat sb;

	if (!slash || (size_t)(slash - v->exe) + sizeof("/bf-diff") > sizeof(exe))
		return -1;
	snprintf(exe, sizeof(exe), "%.*s/bf-diff", (int)(slash - v->exe), v->exe);
	if (!is_exe(exe, &sb))
		return -1;
	memcpy(v->exe, exe, strlen(exe) + 1);
	v->is_replay = 1;
	return 0;
}

int bf_is_diff_target(const char *target) { return target && !strcmp(target, "fuzz_diff"); }
int bf_is_diff_kind(const char *kind) { return kind && !strncmp(kind, "behaviour-diff:", 15); }
