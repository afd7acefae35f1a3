/* Host-test stand-in for the console: kprintf output is collected in a
 * buffer the tests can inspect. */
#include <string.h>
#include <kern/console.h>
#include "console_stub.h"

char console_stub_buf[8192];
size_t console_stub_len;

void console_write(const char *buf, size_t len)
{
	size_t room = sizeof(console_stub_buf) - 1 - console_stub_len;
	if (len > room)
		len = room;
	memcpy(console_stub_buf + console_stub_len, buf, len);
	console_stub_len += len;
	console_stub_buf[console_stub_len] = '\0';
}

void console_stub_reset(void)
{
	console_stub_len = 0;
	console_stub_buf[0] = '\0';
}
