# Test guests (filled in by the guest work).
.PHONY: guests
guests:
