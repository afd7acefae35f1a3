/* cat FILE...: the files' bytes on the console, one after the other.
 * Paths are absolute or taken from PWD.  A file that cannot be read is
 * reported ("cat: FILE: no such file or directory") and the status is 1;
 * the other files are still shown.  The console takes text: a NUL byte is
 * shown as '.'. */
#include "sh-util.h"

static int cat_one(char **envp, const char *arg)
{
	static char buf[FS_READ_MAX + 1];
	char path[FS_PATH_MAX], err[32];
	struct fs_stat st;
	uint64_t off = 0;
	kern_return_t kr;

	if (!util_path(envp, arg, path)) {
		printf("cat: %s: path too long\n", arg);
		return 1;
	}
	if ((kr = fs_stat(path, &st)) == KERN_SUCCESS && st.type == FS_TYPE_DIR)
		kr = FS_E_ISDIR;
	while (kr == KERN_SUCCESS) {
		size_t got = 0;
		kr = fs_read(path, off, buf, FS_READ_MAX, &got);
		if (kr != KERN_SUCCESS || got == 0)
			break;
		for (size_t i = 0; i < got; i++)
			if (buf[i] == '\0')
				buf[i] = '.';
		buf[got] = '\0';
		printf("%s", buf);
		off += got;
		if (got < FS_READ_MAX)
			break;
	}
	if (kr == FS_E_BADOFF)   /* a read just past the end */
		kr = KERN_SUCCESS;
	if (kr != KERN_SUCCESS) {
		printf("cat: %s: %s\n", arg, util_strerror(kr, err, sizeof(err)));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv, char **envp)
{
	int status = 0;

	if (argc < 2) {
		printf("usage: cat FILE...\n");
		util_exit(2);
	}
	for (int i = 1; i < argc; i++)
		status |= cat_one(envp, argv[i]);
	util_exit(status);
}
