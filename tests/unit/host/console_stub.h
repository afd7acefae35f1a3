#ifndef CONSOLE_STUB_H
#define CONSOLE_STUB_H
#include <stddef.h>
extern char console_stub_buf[8192];
extern size_t console_stub_len;
void console_stub_reset(void);
#endif
