/* init= items and GNU Mach boot-script lines (see kern/boot_script.h). */
#include <kern/boot_script.h>
#include <kern/errno.h>
#include <kern/string.h>

static int refuse(const char **why, const char *reason)
{
	*why = reason;
	return K_EINVAL;
}

int boot_parse_init_item(const char *item, size_t len, unsigned default_prio,
			 unsigned prio_limit, struct boot_init_item *out, const char **why)
{
	out->expect_killed = false;
	out->prio = default_prio;
	if (len > 0 && item[len - 1] == '!') {
		out->expect_killed = true;
		len--;
	}
	size_t path_len = len;
	for (size_t i = 0; i < len; i++) {
		if (item[i] != '@')
			continue;
		unsigned prio = 0;
		size_t digits = len - i - 1;
		if (digits == 0 || digits > 3)
			return refuse(why, "priority after @ is not a number");
		for (size_t d = i + 1; d < len; d++) {
			if (item[d] < '0' || item[d] > '9')
				return refuse(why, "priority after @ is not a number");
			prio = prio * 10 + (unsigned)(item[d] - '0');
		}
		if (prio >= prio_limit)
			return refuse(why, "priority out of range");
		out->prio = prio;
		path_len = i;
		break;
	}
	if (path_len == 0)
		return refuse(why, "empty program path");
	if (path_len >= sizeof(out->path))
		return refuse(why, "program path too long");
	memcpy(out->path, item, path_len);
	out->path[path_len] = '\0';
	return K_OK;
}

/* --- boot-script lines ------------------------------------------------ */

static const char *find_char(const char *s, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == c)
			return s + i;
	return NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *next_word(const char **p, size_t *len)
{
	const char *s = *p;
	while (*s && is_blank(*s))
		s++;
	if (!*s)
		return NULL;
	const char *e = s;
	while (*e && !is_blank(*e))
		e++;
	*p = e;
	*len = (size_t)(e - s);
	return s;
}

static bool word_is(const char *w, size_t len, const char *s)
{
	return len == strlen(s) && memcmp(w, s, len) == 0;
}

static int error(struct boot_script *out, int rc, const char *why)
{
	out->why = why;
	return rc;
}

/* Output buffer: appends into out->buf. */
struct sink {
	struct boot_script *out;
	size_t used;
};

static bool emit(struct sink *k, const char *s, size_t len)
{
	if (len > sizeof(k->out->buf) - k->used)
		return false;
	memcpy(k->out->buf + k->used, s, len);
	k->used += len;
	return true;
}

static int end_arg(struct sink *k, size_t start)
{
	struct boot_script *out = k->out;
	if (!emit(k, "", 1))
		return error(out, K_ENOSPC, "arguments too long");
	if (out->argc == BOOT_SCRIPT_ARGV_MAX)
		return error(out, K_ENOSPC, "too many arguments");
	out->argv[out->argc++] = out->buf + start;
	out->argv[out->argc] = NULL;
	return K_OK;
}

/* A whole word $(...): assignments then one function. */
static int parse_action(struct boot_script *out, const char *w, size_t len)
{
	const char *s = w + 2, *end = w + len - 1;    /* inside the parentheses */
	if (len < 4 || *end != ')' || find_char(s, ')', (size_t)(end - s)))
		return error(out, K_EINVAL, "malformed $(...)");
	const char *var = NULL;
	size_t var_len = 0;
	const char *eq;
	while ((eq = find_char(s, '=', (size_t)(end - s)))) {
		if (eq == s)
			return error(out, K_EINVAL, "empty name in $(...)");
		var = s;
		var_len = (size_t)(eq - s);
		s = eq + 1;
	}
	size_t fn_len = (size_t)(end - s);
	if (word_is(s, fn_len, "task-create")) {
		if (out->task_create)
			return error(out, K_EINVAL, "$(task-create) given twice");
		out->task_create = true;
		if (var) {
			if (var_len >= sizeof(out->task_var))
				return error(out, K_EINVAL, "variable name too long");
			memcpy(out->task_var, var, var_len);
			out->task_var[var_len] = '\0';
		}
		return K_OK;
	}
	if (word_is(s, fn_len, "task-resume") || word_is(s, fn_len, "prompt-task-resume")) {
		if (var)
			return error(out, K_EINVAL, "task-resume has no value to assign");
		out->task_resume = true;
		return K_OK;
	}
	size_t n = MIN(fn_len, sizeof(out->bad_name) - 1);
	memcpy(out->bad_name, s, n);
	out->bad_name[n] = '\0';
	return error(out, K_EINVAL, "unknown function in $(...)");
}

/* An argument word: text with ${NAME} substitutions. */
static int parse_arg(struct sink *k, const char *w, size_t len, boot_script_lookup_t lookup,
		     void *ctx)
{
	struct boot_script *out = k->out;
	size_t start = k->used;
	const char *p = w, *end = w + len;
	while (p < end) {
		const char *dollar = p;
		while (dollar + 1 < end && !(dollar[0] == '$' && dollar[1] == '{'))
			dollar++;
		if (dollar + 1 >= end)
			dollar = end;
		if (!emit(k, p, (size_t)(dollar - p)))
			return error(out, K_ENOSPC, "arguments too long");
		if (dollar == end)
			break;
		const char *name = dollar + 2;
		const char *close = find_char(name, '}', (size_t)(end - name));
		if (!close)
			return error(out, K_EINVAL, "unterminated ${");
		size_t name_len = (size_t)(close - name);
		if (name_len == 0 || find_char(name, '=', name_len) || find_char(name, '$', name_len))
			return error(out, K_EINVAL, "bad variable name in ${...}");
		if (!lookup) {
			if (!emit(k, dollar, (size_t)(close + 1 - dollar)))
				return error(out, K_ENOSPC, "arguments too long");
		} else {
			/* The value is written straight into the output. */
			size_t room = sizeof(out->buf) - k->used;
			char *value = out->buf + k->used;
			if (room < 2)
				return error(out, K_ENOSPC, "arguments too long");
			value[0] = '\0';
			if (!lookup(name, name_len, value, room, ctx)) {
				size_t n = MIN(name_len, sizeof(out->bad_name) - 1);
				memcpy(out->bad_name, name, n);
				out->bad_name[n] = '\0';
				return error(out, K_ENOENT, "undefined variable");
			}
			size_t n = strnlen(value, room);
			if (n >= room - 1)       /* perhaps cut short: refuse */
				return error(out, K_ENOSPC, "arguments too long");
			k->used += n;
		}
		p = close + 1;
	}
	return end_arg(k, start);
}

int boot_script_parse(const char *line, boot_script_lookup_t lookup, void *ctx,
		      struct boot_script *out)
{
	out->task_create = out->task_resume = false;
	out->task_var[0] = out->bad_name[0] = '\0';
	out->argc = 0;
	out->argv[0] = NULL;
	out->why = NULL;
	struct sink k = { .out = out };
	const char *p = line, *w;
	size_t len;

	w = next_word(&p, &len);
	if (!w || w[0] == '#')
		return K_OK;             /* empty line or comment */
	/* The path is taken as written, as GNU Mach does. */
	if (!emit(&k, w, len))
		return error(out, K_ENOSPC, "arguments too long");
	int rc = end_arg(&k, 0);
	while (rc == K_OK && (w = next_word(&p, &len))) {
		if (len >= 2 && w[0] == '$' && w[1] == '(')
			rc = parse_action(out, w, len);
		else
			rc = parse_arg(&k, w, len, lookup, ctx);
	}
	return rc;
}
