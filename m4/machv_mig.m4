# MV_MACH_TOOLS: find GNU MIG and GNU Mach's headers and interface
# definitions in the tools prefix that scripts/fetch-mach-tools.sh fills
# (./machv setup uses build/tools).
#
#   --with-mach-tools=DIR   the prefix; by default tools/ in the build
#                           directory, then ../tools (build/ARCH/../tools is
#                           the prefix ./machv uses)
#
# Sets and substitutes:
#   MIG               the mig driver (DIR/usr/bin/x86_64-gnu-mig)
#   MACH_INCLUDE_DIR  the include root holding mach/, device/, mach_debug/
#   MACH_DEFS_DIR     MACH_INCLUDE_DIR/mach, where mach.defs lives
# and the Automake conditional HAVE_MIG.  Missing tools are not an error
# here: the stubs' test says so loudly instead.
AC_DEFUN([MV_MACH_TOOLS], [
  AC_ARG_WITH([mach-tools],
    [AS_HELP_STRING([--with-mach-tools=DIR],
      [prefix holding trixie's mig and gnumach-dev, as unpacked by scripts/fetch-mach-tools.sh (default: tools or ../tools in the build directory)])],
    [mv_mach_tools_dirs=$withval],
    [mv_mach_tools_dirs="$ac_pwd/tools $ac_pwd/../tools"])

  AC_MSG_CHECKING([for GNU MIG and GNU Mach's interface definitions])
  MIG=
  MACH_INCLUDE_DIR=
  for mv_dir in $mv_mach_tools_dirs; do
    AS_IF([test -x "$mv_dir/usr/bin/x86_64-gnu-mig" &&
           test -f "$mv_dir/usr/include/x86_64-linux-gnu/mach/mach.defs"], [
      mv_dir=`cd "$mv_dir" && pwd`
      MIG=$mv_dir/usr/bin/x86_64-gnu-mig
      MACH_INCLUDE_DIR=$mv_dir/usr/include/x86_64-linux-gnu
      break
    ])
  done
  AS_IF([test -n "$MIG"], [AC_MSG_RESULT([$MIG])], [AC_MSG_RESULT([no])])

  # mig is a shell script: the check that counts is that its migcom runs
  # here and writes a server stub.
  AS_IF([test -n "$MIG"], [
    AC_MSG_CHECKING([whether $MIG generates stubs])
    cat > conftest.defs <<'EOF'
subsystem conftest 100;
type int32 = MACH_MSG_TYPE_INTEGER_32;
type mach_port_t = MACH_MSG_TYPE_COPY_SEND;
routine conftest_ping(server : mach_port_t; value : int32);
EOF
    AS_IF([$MIG -n -cc cat -server conftestServer.c conftest.defs >&AS_MESSAGE_LOG_FD 2>&1 &&
           grep conftest_ping conftestServer.c >/dev/null 2>&1],
      [AC_MSG_RESULT([yes])],
      [AC_MSG_RESULT([no]); MIG=; MACH_INCLUDE_DIR=])
    rm -f conftest.defs conftestServer.c
  ])

  AS_IF([test -z "$MIG"],
    [AC_MSG_WARN([no usable mig and gnumach-dev: run scripts/fetch-mach-tools.sh build/tools (./machv setup does) or pass --with-mach-tools=DIR])])
  AS_IF([test -n "$MACH_INCLUDE_DIR"], [MACH_DEFS_DIR=$MACH_INCLUDE_DIR/mach], [MACH_DEFS_DIR=])
  AC_SUBST([MIG])
  AC_SUBST([MACH_INCLUDE_DIR])
  AC_SUBST([MACH_DEFS_DIR])
  AM_CONDITIONAL([HAVE_MIG], [test -n "$MIG"])
])
