# The hypervisor image (filled in by the boot work).
.PHONY: hv
hv:
