/* Leaving: crt0 calls exit() with main's return value. */
#include <machv/lib.h>

void exit(int status)
{
	machv_exit(status);
}
