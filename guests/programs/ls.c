/* ls [PATH...]: a directory's entries, one a line - type (d directory,
 * - file, ? other), size in bytes, name - or a file's own line.  Without
 * a path, the current directory (PWD).  Status 1 if a path could not be
 * listed. */
#include "sh-util.h"

static char type_char(uint64_t type)
{
	return type == FS_TYPE_DIR ? 'd' : type == FS_TYPE_FILE ? '-' : '?';
}

static int ls_one(char **envp, const char *arg, bool title)
{
	char path[FS_PATH_MAX], err[32];
	struct fs_stat st;
	struct fs_dirent de;
	kern_return_t kr;
	uint64_t i;

	if (!util_path(envp, arg, path)) {
		printf("ls: %s: path too long\n", arg);
		return 1;
	}
	if ((kr = fs_stat(path, &st)) != KERN_SUCCESS) {
		printf("ls: %s: %s\n", arg, util_strerror(kr, err, sizeof(err)));
		return 1;
	}
	if (st.type != FS_TYPE_DIR) {
		printf("%c %10llu %s\n", type_char(st.type), (unsigned long long)st.size, arg);
		return 0;
	}
	if (title)
		printf("%s:\n", arg);
	for (i = 0; (kr = fs_readdir(path, i, &de)) == KERN_SUCCESS; i++)
		printf("%c %10llu %s%s\n", type_char(de.st.type), (unsigned long long)de.st.size,
		       de.name, de.st.type == FS_TYPE_DIR ? "/" : "");
	if (kr != FS_END) {
		printf("ls: %s: %s\n", arg, util_strerror(kr, err, sizeof(err)));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv, char **envp)
{
	const char *cwd = util_env(envp, "PWD");
	int status = 0;

	if (argc < 2)
		util_exit(ls_one(envp, cwd ? cwd : "/", false));
	for (int i = 1; i < argc; i++)
		status |= ls_one(envp, argv[i], argc > 2);
	util_exit(status);
}
