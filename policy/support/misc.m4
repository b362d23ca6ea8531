divert(-1)
# Helpers shared by every module. This file is m4 input only: it prints
# nothing into policy.conf.

# gen_context(user:role:type) -- a security context (no MLS in Moat's policy).
define(`gen_context', `$1')

# evchn_type(web_t) -> web_evchn_t: the label of channels a domain creates.
define(`evchn_type', `patsubst(`$1', `_t$', `_evchn_t')')

# brace(a, b, c) -> { a b c }: an m4 argument list as a permission set.
define(`brace', `{ join_sp($@) }')
define(`join_sp', `ifelse(`$#', `1', `$1', `$1 join_sp(shift($@))')')
divert(0)dnl
