# The Frama-C WP proof targets: for each, the sources Frama-C parses
# together, the headers force-included before them (verify/include), the
# functions proved (-wp-fct, with -wp-rte), and any further pass (-then).
# Sourced by verify/wp/wp.sh; WP_TARGETS lists them in the order they run.
#
# Every function not listed here is not proved; verify/README.md says why
# for each one that matters.

WP_TARGETS="policy_lookup policy_load manifest gnttab mm_types"

# Prover limits are steps, not seconds, so that a goal is proved or not
# whatever else the machine is doing (a 20 s timeout once failed
# load_blob's ensures_2 on a loaded machine). One -wp-steps for both
# provers: CVC4's --rlimit resource units and Z3's rlimit, both counted
# the same way on every run. The hardest goals need about 1.6M (Z3, in
# load_sections) and 281k (CVC4, load_blob ensures_2); 3M leaves room for
# contracts to grow. WP_TIMEOUT_DEFAULT is not a limit but a backstop
# against a prover that ignores its steps, far above what a goal takes
# even on a loaded machine (a prover at 3M steps runs well under a minute).
WP_STEPS_DEFAULT=3000000
WP_TIMEOUT_DEFAULT=1800

# WP's proof cache (verify/wp/cache/TARGET, committed): one JSON file per
# goal and prover that proved it, named by the digest of the goal as sent
# to the prover, holding the verdict and the steps it took. make verify
# proves everything again and rewrites it; make verify-check replays it
# (-wp-cache replay): a goal found there is taken as proved, any other goal
# goes to the provers under the same step limits, so the verdict is the
# same either way, only faster.
WP_CACHE_ROOT=verify/wp/cache

# The proofs run freestanding, like the hypervisor (build.mk's FREE_CFLAGS
# include paths and -DMOAT_FREESTANDING), with GCC's own headers instead of
# Frama-C's libc.
WP_CPP="-nostdinc -ffreestanding -isystem $(${CC:-gcc} -print-file-name=include) \
-Ihv/include -Ihv/arch/x86_64/include -I. -DMOAT_FREESTANDING=1"

# Lemmas are not selected by -wp-fct: a second pass proves them.
WP_LEMMAS='-then -wp-no-rte -wp-fct= -wp-prop=@lemma'

wp_target() {
	case $1 in
	policy_lookup)
		WP_FILES="xsm/policy_lookup.c"  # with xsm/policy_read.h
		WP_PRELUDES="moat_wp.h"
		WP_FUNCS="rd16,rd32,blob_av_at,blob_trans_at,blob_class_at,get_av,get_class,key_before,\
av_first,cond_holds,class_perm_mask,policy_compute_av,get_trans,policy_compute_create"
		WP_MORE="$WP_LEMMAS"
		;;
	policy_load)
		WP_FILES="xsm/policy_load.c"  # with xsm/policy_read.h
		WP_PRELUDES="moat_wp.h"
		WP_FUNCS="rd16,rd32,rd64,blob_av_at,blob_trans_at,blob_class_at,get_section,load_sections,\
name_ok,check_names,check_classes,key_cmp,cond_ok,check_rule_key,check_rule_order,av_key,\
check_avtab,trans_key,check_trans,check_bools,check_isids,check_policy,bytes_eq,check_header,\
load_blob"
		WP_MORE="$WP_LEMMAS"
		;;
	manifest)
		WP_FILES="hv/common/manifest_lex.c hv/common/manifest_opts.c hv/common/manifest_text.c"
		WP_PRELUDES="moat_wp.h wp_string.h"
		WP_FUNCS="mtok_next,mtok_eq,mtok_lit,mtok_split,copy_printable,mtok_quote,is_name_char,\
is_hex_digit,manifest_size_parse,manifest_parse_size,manifest_name_ok,manifest_label_ok,\
manifest_skip_image_path,manifest_module_args"
		WP_MORE=""
		;;
	gnttab)
		WP_FILES="hv/common/gnttab_table.c hv/common/gnttab_map.c hv/common/gnttab_copy.c"
		WP_PRELUDES="moat_wp.h wp_atomic.h"
		WP_FUNCS="gnttab_nr_entries,gnttab_frame,gnttab_active_of,gnttab_shared_of,\
gnttab_maptrack_limit,gnttab_maptrack_entry,gnttab_maptrack_get"
		# In the hypercall paths only the ref check is proved: the
		# assertion ref_in_table right after it (no RTE goals there).
		WP_MORE="-then -wp-no-rte -wp-fct=gnttab_map_one,side_decode -wp-prop=ref_in_table"
		;;
	mm_types)
		WP_FILES="hv/common/mm_types.c"
		WP_PRELUDES="moat_wp.h wp_atomic.h wp_mm.h"
		WP_FUNCS="mm_type_is_pt,mm_frame_of,mm_frame_unreferenced,mm_is_table,mm_get_page,\
mm_put_page,flush_before_retype,validate_contents,mm_get_page_type,mm_put_page_type"
		WP_MORE=""
		;;
	*)
		echo "verify/wp: unknown target $1" >&2
		return 1
		;;
	esac
}
