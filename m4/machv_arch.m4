# MV_WITH_ARCH: --with-arch=x86_64|aarch64|riscv64 selects the target
# architecture (x86_64 by default).  Defines MACHV_ARCH, MACHV_TARGET (the
# clang target triple) and one Automake conditional per architecture.
AC_DEFUN([MV_WITH_ARCH], [
  AC_ARG_WITH([arch],
    [AS_HELP_STRING([--with-arch=ARCH], [target architecture: x86_64 (default), aarch64 or riscv64])],
    [MACHV_ARCH=$withval], [MACHV_ARCH=x86_64])
  AS_CASE([$MACHV_ARCH],
    [x86_64],  [MACHV_TARGET=x86_64-unknown-none-elf],
    [aarch64], [MACHV_TARGET=aarch64-unknown-none-elf],
    [riscv64], [MACHV_TARGET=riscv64-unknown-elf],
    [AC_MSG_ERROR([unknown architecture '$MACHV_ARCH': use x86_64, aarch64 or riscv64])])
  AC_SUBST([MACHV_ARCH])
  AC_SUBST([MACHV_TARGET])
  AM_CONDITIONAL([ARCH_X86_64], [test "$MACHV_ARCH" = x86_64])
  AM_CONDITIONAL([ARCH_AARCH64], [test "$MACHV_ARCH" = aarch64])
  AM_CONDITIONAL([ARCH_RISCV64], [test "$MACHV_ARCH" = riscv64])
])
