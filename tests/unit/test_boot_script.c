/* Host tests of the boot-time string parsing (src/kern/boot_script.c):
 * init= items and GNU Mach boot-script lines with their ${...}
 * substitutions and $(...) actions. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <kern/boot_script.h>
#include <kern/errno.h>

static struct boot_init_item item;
static const char *why;

static int init_item(const char *s)
{
	why = NULL;
	return boot_parse_init_item(s, strlen(s), 16, 32, &item, &why);
}

START_TEST(init_items)
{
	ck_assert_int_eq(init_item("/hello-a"), K_OK);
	ck_assert_str_eq(item.path, "/hello-a");
	ck_assert_uint_eq(item.prio, 16);
	ck_assert(!item.expect_killed);

	ck_assert_int_eq(init_item("/hipri@8"), K_OK);
	ck_assert_str_eq(item.path, "/hipri");
	ck_assert_uint_eq(item.prio, 8);

	ck_assert_int_eq(init_item("/memtest!"), K_OK);
	ck_assert_str_eq(item.path, "/memtest");
	ck_assert(item.expect_killed);
	ck_assert_uint_eq(item.prio, 16);

	ck_assert_int_eq(init_item("hog@30!"), K_OK);
	ck_assert_str_eq(item.path, "hog");
	ck_assert_uint_eq(item.prio, 30);
	ck_assert(item.expect_killed);

	ck_assert_int_eq(init_item("a@0"), K_OK);
	ck_assert_uint_eq(item.prio, 0);
	ck_assert_int_eq(init_item("a@31"), K_OK);
	ck_assert_uint_eq(item.prio, 31);

	/* Only the length given is read: the item sits inside a list. */
	const char *list = "/one@3,/two";
	ck_assert_int_eq(boot_parse_init_item(list, 6, 16, 32, &item, &why), K_OK);
	ck_assert_str_eq(item.path, "/one");
	ck_assert_uint_eq(item.prio, 3);
}
END_TEST

START_TEST(init_items_refused)
{
	const char *bad[] = {
		"", "!", "@3", "@3!", "/a@", "/a@!", "/a@32", "/a@99", "/a@1000", "/a@-1",
		"/a@x", "/a@0x1", "/a@1K", "/a@ 1", "/a@1!!",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_msg(init_item(bad[i]) == K_EINVAL, "'%s' was accepted", bad[i]);
		ck_assert_ptr_nonnull(why);
	}
	char longpath[BOOT_PATH_MAX + 8];
	memset(longpath, 'p', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	ck_assert_int_eq(init_item(longpath), K_EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "too long"));
	longpath[BOOT_PATH_MAX - 1] = '\0';                /* the longest that fits */
	ck_assert_int_eq(init_item(longpath), K_OK);
}
END_TEST

/* --- boot-script lines --------------------------------------------------- */

static struct boot_script bs;

static bool lookup(const char *name, size_t len, char *out, size_t size, void *ctx)
{
	static const char *vars[][2] = {
		{ "host-port", "2" }, { "device-port", "3" }, { "root", "part:1:device:hd0" },
		{ "exec-task", "1" }, { "kernel-command-line", "root=x -- with spaces" },
		{ "empty", "" },
	};
	int *calls = ctx;
	if (calls)
		(*calls)++;
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
		if (len == strlen(vars[i][0]) && memcmp(name, vars[i][0], len) == 0) {
			snprintf(out, size, "%s", vars[i][1]);
			return true;
		}
	return false;
}

static void expect_argv(const char *const *want)
{
	int n = 0;
	while (want[n])
		n++;
	ck_assert_int_eq(bs.argc, n);
	for (int i = 0; i < n; i++)
		ck_assert_str_eq(bs.argv[i], want[i]);
	ck_assert_ptr_null(bs.argv[n]);
}

START_TEST(hurd_lines)
{
	/* The lines a GRUB menu gives a Hurd system. */
	ck_assert_int_eq(boot_script_parse(
		"/hurd/ext2fs.static --multiboot-command-line=${kernel-command-line} "
		"--host-priv-port=${host-port} --device-master-port=${device-port} "
		"--exec-server-task=${exec-task} -T typed ${root} $(task-create) $(task-resume)",
		lookup, NULL, &bs), K_OK);
	ck_assert(bs.task_create && bs.task_resume);
	ck_assert_str_eq(bs.task_var, "");
	expect_argv((const char *[]){ "/hurd/ext2fs.static",
		"--multiboot-command-line=root=x -- with spaces", "--host-priv-port=2",
		"--device-master-port=3", "--exec-server-task=1", "-T", "typed",
		"part:1:device:hd0", NULL });

	ck_assert_int_eq(boot_script_parse("/lib/ld.so.1 /hurd/exec $(exec-task=task-create)",
					   lookup, NULL, &bs), K_OK);
	ck_assert(bs.task_create && !bs.task_resume);
	ck_assert_str_eq(bs.task_var, "exec-task");
	expect_argv((const char *[]){ "/lib/ld.so.1", "/hurd/exec", NULL });
}
END_TEST

START_TEST(substitution_details)
{
	ck_assert_int_eq(boot_script_parse("\t prog  a${host-port}b${device-port}c ${empty}x "
					   "$notvar ${ $( } ${host-port}${host-port}\n",
					   lookup, NULL, &bs), K_EINVAL);   /* "${ $(" is cut at the space */
	ck_assert_int_eq(boot_script_parse("\t prog  a${host-port}b${device-port}c ${empty}x "
					   "$notvar $(x { } ${host-port}${host-port} $",
					   lookup, NULL, &bs), K_EINVAL);   /* "$(x" is not an action */
	ck_assert_int_eq(boot_script_parse("\t prog  a${host-port}b${device-port}c ${empty}x "
					   "$notvar { } ${host-port}${host-port} $ $$",
					   lookup, NULL, &bs), K_OK);
	expect_argv((const char *[]){ "prog", "a2b3c", "x", "$notvar", "{", "}", "22", "$",
				      "$$", NULL });
	ck_assert(!bs.task_create && !bs.task_resume);
	ck_assert_int_eq(boot_script_parse("prog ${empty}", lookup, NULL, &bs), K_OK);
	expect_argv((const char *[]){ "prog", "", NULL });
	/* Empty lines and comments define nothing. */
	ck_assert_int_eq(boot_script_parse("", lookup, NULL, &bs), K_OK);
	ck_assert_int_eq(bs.argc, 0);
	ck_assert_int_eq(boot_script_parse("   # /prog $(task-create)", lookup, NULL, &bs), K_OK);
	ck_assert_int_eq(bs.argc, 0);
	ck_assert(!bs.task_create);
}
END_TEST

START_TEST(first_pass_keeps_variables)
{
	int calls = 0;
	ck_assert_int_eq(boot_script_parse("/x --port=${later-defined} $(t=task-create)",
					   NULL, &calls, &bs), K_OK);
	expect_argv((const char *[]){ "/x", "--port=${later-defined}", NULL });
	ck_assert_str_eq(bs.task_var, "t");
	ck_assert_int_eq(calls, 0);
	/* With the lookup, the same line fails on the unknown variable. */
	ck_assert_int_eq(boot_script_parse("/x --port=${later-defined} $(t=task-create)",
					   lookup, &calls, &bs), K_ENOENT);
	ck_assert_str_eq(bs.bad_name, "later-defined");
	ck_assert_int_eq(calls, 1);
}
END_TEST

/* The kernel expands each module's line in the names of that module's own
 * task (ctx): the same variable gives each task its own value, and every
 * occurrence is looked up. */
struct fake_task { unsigned next_name; unsigned lookups; };

static bool per_task_lookup(const char *name, size_t len, char *out, size_t size, void *ctx)
{
	struct fake_task *t = ctx;
	t->lookups++;
	if (len == strlen("host-port") && memcmp(name, "host-port", len) == 0) {
		snprintf(out, size, "%u", t->next_name++);
		return true;
	}
	return false;
}

START_TEST(per_task_expansion)
{
	struct fake_task a = { 0x101, 0 }, b = { 0x207, 0 };
	const char *line = "/srv --host=${host-port} --again=${host-port} $(task-create)";
	ck_assert_int_eq(boot_script_parse(line, per_task_lookup, &a, &bs), K_OK);
	expect_argv((const char *[]){ "/srv", "--host=257", "--again=258", NULL });
	ck_assert_uint_eq(a.lookups, 2);
	ck_assert_int_eq(boot_script_parse(line, per_task_lookup, &b, &bs), K_OK);
	expect_argv((const char *[]){ "/srv", "--host=519", "--again=520", NULL });
	ck_assert_uint_eq(b.lookups, 2);
	ck_assert(bs.task_create && !bs.task_resume);
	/* An unknown variable still fails, with the lookup's context. */
	ck_assert_int_eq(boot_script_parse("/srv ${device-port}", per_task_lookup, &a, &bs),
			 K_ENOENT);
	ck_assert_str_eq(bs.bad_name, "device-port");
	ck_assert_uint_eq(a.lookups, 3);
}
END_TEST

START_TEST(syntax_errors)
{
	struct { const char *line; int rc; const char *why; } cases[] = {
		{ "/x ${host-port", K_EINVAL, "unterminated" },
		{ "/x a${}", K_EINVAL, "variable name" },
		{ "/x ${a=b}", K_EINVAL, "variable name" },
		{ "/x ${nosuch}", K_ENOENT, "undefined" },
		{ "/x $(task-create", K_EINVAL, "malformed" },
		{ "/x $()", K_EINVAL, "malformed" },
		{ "/x $(task-create)x", K_EINVAL, "malformed" },
		{ "/x $(a)b)", K_EINVAL, "malformed" },
		{ "/x $(=task-create)", K_EINVAL, "empty name" },
		{ "/x $(task-frobnicate)", K_EINVAL, "unknown function" },
		{ "/x $(v=task-resume)", K_EINVAL, "no value" },
		{ "/x $(task-create) $(task-create)", K_EINVAL, "twice" },
		{ "/x $(vm-object-create)", K_EINVAL, "unknown function" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int rc = boot_script_parse(cases[i].line, lookup, NULL, &bs);
		ck_assert_msg(rc == cases[i].rc, "'%s' gave %d", cases[i].line, rc);
		ck_assert_ptr_nonnull(bs.why);
		ck_assert_msg(strstr(bs.why, cases[i].why), "'%s': '%s'", cases[i].line, bs.why);
	}
	ck_assert_int_eq(boot_script_parse("/x $(task-frobnicate)", lookup, NULL, &bs), K_EINVAL);
	ck_assert_str_eq(bs.bad_name, "task-frobnicate");
	ck_assert_int_eq(boot_script_parse("/x $(prompt-task-resume) $(task-create)", lookup, NULL,
					   &bs), K_OK);
	ck_assert(bs.task_resume && bs.task_create);
}
END_TEST

START_TEST(limits)
{
	/* Too many words. */
	char line[4096] = "/x";
	for (int i = 0; i < BOOT_SCRIPT_ARGV_MAX; i++)
		strcat(line, " w");
	ck_assert_int_eq(boot_script_parse(line, lookup, NULL, &bs), K_ENOSPC);
	line[strlen(line) - 2] = '\0';                   /* exactly the maximum */
	ck_assert_int_eq(boot_script_parse(line, lookup, NULL, &bs), K_OK);
	ck_assert_int_eq(bs.argc, BOOT_SCRIPT_ARGV_MAX);
	/* Too many bytes once the substitutions are made. */
	strcpy(line, "/x");
	for (int i = 0; i < 25; i++)     /* 25 words of 64 bytes: over 1536 */
		strcat(line, " ${kernel-command-line}${kernel-command-line}${kernel-command-line}");
	ck_assert_int_eq(boot_script_parse(line, lookup, NULL, &bs), K_ENOSPC);
	ck_assert_ptr_nonnull(strstr(bs.why, "too long"));
	/* A word longer than the whole buffer. */
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	ck_assert_int_eq(boot_script_parse(line, lookup, NULL, &bs), K_ENOSPC);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("boot_script");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, init_items);
	tcase_add_test(tc, init_items_refused);
	tcase_add_test(tc, hurd_lines);
	tcase_add_test(tc, substitution_details);
	tcase_add_test(tc, first_pass_keeps_variables);
	tcase_add_test(tc, per_task_expansion);
	tcase_add_test(tc, syntax_errors);
	tcase_add_test(tc, limits);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
