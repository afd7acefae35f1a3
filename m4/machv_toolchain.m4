# MV_CROSS_TOOLCHAIN: find clang, ld.lld and the llvm binutils that build
# the freestanding kernel for MACHV_TARGET.  KCC, KLD, KNM, KOBJCOPY can be
# overridden from the environment.
AC_DEFUN([MV_CROSS_TOOLCHAIN], [
  AC_ARG_VAR([KCC], [compiler for the kernel (default: clang --target=TRIPLE)])
  AC_ARG_VAR([KLD], [linker for the kernel (default: ld.lld)])
  AC_ARG_VAR([KNM], [nm for the kernel symbol table (default: llvm-nm)])
  AC_ARG_VAR([KOBJCOPY], [objcopy for kernel images (default: llvm-objcopy)])
  AS_IF([test -z "$KCC"], [
    AC_PATH_PROGS([MACHV_CLANG], [clang clang-16 clang-15 clang-14])
    AS_IF([test -z "$MACHV_CLANG"], [AC_MSG_ERROR([clang is required to build the kernel])])
    KCC="$MACHV_CLANG --target=$MACHV_TARGET"
  ])
  AS_IF([test -z "$KLD"], [
    AC_PATH_PROGS([KLD], [ld.lld ld.lld-16 ld.lld-15 ld.lld-14])
    AS_IF([test -z "$KLD"], [AC_MSG_ERROR([ld.lld is required to link the kernel])])
  ])
  AS_IF([test -z "$KNM"], [AC_PATH_PROGS([KNM], [llvm-nm llvm-nm-16 llvm-nm-15 llvm-nm-14 nm])])
  AS_IF([test -z "$KOBJCOPY"], [AC_PATH_PROGS([KOBJCOPY], [llvm-objcopy llvm-objcopy-16 llvm-objcopy-15 llvm-objcopy-14])])
  AC_MSG_CHECKING([whether $KCC builds freestanding code for $MACHV_TARGET])
  echo 'int f(void) { return 0; }' > conftest-k.c
  AS_IF([$KCC -ffreestanding -c conftest-k.c -o conftest-k.o >&AS_MESSAGE_LOG_FD 2>&1],
    [AC_MSG_RESULT([yes])], [AC_MSG_RESULT([no]); AC_MSG_ERROR([$KCC cannot target $MACHV_TARGET])])
  rm -f conftest-k.c conftest-k.o
  KCLANG_RESOURCE_DIR=`$KCC -print-resource-dir`
  AC_SUBST([KCLANG_RESOURCE_DIR])
])

# MV_WERROR: --enable-werror turns kernel and unit-test warnings into
# errors (./machv check and CI use it).
AC_DEFUN([MV_WERROR], [
  AC_ARG_ENABLE([werror],
    [AS_HELP_STRING([--enable-werror], [treat warnings as errors])],
    [], [enable_werror=no])
  AS_IF([test "$enable_werror" = yes], [WERROR_CFLAGS=-Werror], [WERROR_CFLAGS=])
  AC_SUBST([WERROR_CFLAGS])
])

# MV_SYSTEM_HEADERS: the kernel takes the virtio structures from
# linux-libc-dev and the Xen boot structures from libxen-dev.  Only those
# directories are exposed to the freestanding build (through sysinc/).
AC_DEFUN([MV_SYSTEM_HEADERS], [
  AC_CHECK_HEADER([linux/virtio_ring.h], [], [AC_MSG_ERROR([linux/virtio_ring.h missing: install linux-libc-dev])])
  AC_CHECK_HEADER([xen/arch-x86/hvm/start_info.h], [], [AC_MSG_ERROR([xen/arch-x86/hvm/start_info.h missing: install libxen-dev])])
  AC_MSG_CHECKING([for the Linux asm headers])
  LINUX_ASM_DIR=
  for d in /usr/include/`$CC -print-multiarch 2>/dev/null`/asm /usr/include/x86_64-linux-gnu/asm /usr/include/asm; do
    AS_IF([test -f "$d/types.h"], [LINUX_ASM_DIR=$d; break])
  done
  AS_IF([test -z "$LINUX_ASM_DIR"], [AC_MSG_ERROR([asm/types.h not found])])
  AC_MSG_RESULT([$LINUX_ASM_DIR])
  SYSINC_ROOT=/usr/include
  AC_SUBST([LINUX_ASM_DIR])
  AC_SUBST([SYSINC_ROOT])
])
