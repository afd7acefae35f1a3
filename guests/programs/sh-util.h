/* What the shell's utilities (echo, cat, ls, ps, kill, meminfo, uptime,
 * lsdev, spin) share: the ports and the working directory the shell hands
 * them in the environment, and the way they end.
 *
 * The shell (guests/programs/sh.c) starts every program with envp holding
 * "MACHV_HOST_PORT=<name>" and "MACHV_DEVICE_PORT=<name>" (send rights to
 * host-priv and the device master, under those names in the program's
 * space) and "PWD=<absolute path>" (the shell's current directory, which
 * relative paths are taken from).  A utility ends with util_exit(status):
 * spawn_exit tells the status to its bootstrap port - the shell, which
 * prints "NAME: exit status N" for a status other than 0.  Started by init
 * instead, the status goes to init, which prints it too.
 *
 * Static inline functions: each utility is one program of one file, and
 * this header is all they have in common. */
#ifndef MACHV_SH_UTIL_H
#define MACHV_SH_UTIL_H

#include <machv/libc.h>
#include <machv/fs.h>
#include <spawn.h>

/* The value of NAME=... in envp, or NULL. */
static inline const char *util_env(char **envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/* path made absolute (against PWD, "/" without one) into out
 * (FS_PATH_MAX bytes); false if it does not fit.  The file servers
 * resolve "." and ".." themselves. */
static inline bool util_path(char **envp, const char *path, char *out)
{
	const char *cwd = util_env(envp, "PWD");
	int n;

	if (path[0] == '/')
		n = snprintf(out, FS_PATH_MAX, "%s", path);
	else if (!cwd || cwd[0] != '/' || strcmp(cwd, "/") == 0)
		n = snprintf(out, FS_PATH_MAX, "/%s", path);
	else
		n = snprintf(out, FS_PATH_MAX, "%s/%s", cwd, path);
	return n > 0 && n < FS_PATH_MAX;
}

/* An fs_* error as text. */
static inline const char *util_strerror(kern_return_t kr, char *buf, size_t size)
{
	const char *s = fs_strerror(kr);

	if (s)
		return s;
	snprintf(buf, size, "error %d", kr);
	return buf;
}

/* End with status, telling it to whoever started us. */
static inline __attribute__((noreturn)) void util_exit(int status)
{
	spawn_exit(status);
}

#endif
