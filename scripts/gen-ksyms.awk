# Turn `nm -n --defined-only` output into an assembly file holding the kernel
# symbol table used by backtraces: a sorted array of { address, name offset }
# pairs, a count, and the names.  Only text symbols are kept.
BEGIN { n = 0 }
$2 ~ /^[tTwW]$/ && $3 !~ /^\$|^\.L/ {
	addr[n] = $1; name[n] = $3; n++
}
END {
	print "\t.section .ksyms,\"a\""
	print "\t.balign 8"
	print "\t.globl ksyms_table"
	print "ksyms_table:"
	print "\t.quad " n
	off = 0
	for (i = 0; i < n; i++) {
		print "\t.quad 0x" addr[i]
		print "\t.quad " off
		off += length(name[i]) + 1
	}
	for (i = 0; i < n; i++)
		print "\t.asciz \"" name[i] "\""
}
