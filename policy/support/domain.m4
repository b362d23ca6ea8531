divert(-1)
# Domain macros. The source of a check is the acting domain's type; a
# domain's own objects are labelled with its own type (no *_self types).

# declare_domain(type): a domain type, the label of the event channels it
# creates, and what every domain may do to itself.
define(`declare_domain', `
type $1, domain_type, grant_type;
role system_r types $1;
type evchn_type($1), event_type;
type_transition $1 domain_type:event evchn_type($1);
allow $1 evchn_type($1):event { create send status };
allow $1 $1:event reset;
allow evchn_type($1) $1:event bind;
allow $1 $1:grant { query setup };
allow $1 $1:mmu { map_read map_write adjust stat updatemp physmap pinpage memorymap mmuext_op exchange };
allow $1 $1:domain { getdomaininfo getvcpuinfo };
allow $1 xen_t:version { xen_extraversion xen_compile_info xen_capabilities xen_changeset xen_pagesize xen_guest_handle };
')

# allow_hypercalls(type, perm, ...): pass the gate for these hypercalls.
define(`allow_hypercalls', `allow $1 xen_t:hypercall brace(shift($@));')

# domain_event_comms(a, b): channels a creates may be bound to b. (a sends
# and queries on its own endpoint, allowed by declare_domain.)
define(`domain_event_comms', `allow evchn_type($1) $2:event bind;')

# domain_grant_comms(a, b): a may map, copy and unmap pages b grants it.
define(`domain_grant_comms', `allow $1 $2:grant { map_read map_write copy unmap };')

# domain_comms(a, b): event channels and grants, both ways.
define(`domain_comms', `
domain_event_comms($1, $2)
domain_event_comms($2, $1)
domain_grant_comms($1, $2)
domain_grant_comms($2, $1)
')

# manage_domain(ctl, target): the control-domain operations on another domain.
define(`manage_domain', `
allow $1 $2:domain ~{ transition };
allow $1 $2:domain2 ~{ relabelself };
allow $1 $2:mmu { map_read map_write pageinfo adjust stat physmap memorymap remote_remap mmuext_op exchange };
allow $1 $2:grant { map_read map_write unmap copy query setup };
allow $1 $2:attest { read_log quote };
allow $1 evchn_type($2):event create;
allow $1 $2:event reset;
domain_event_comms($1, $2)
domain_event_comms($2, $1)
')
divert(0)dnl
