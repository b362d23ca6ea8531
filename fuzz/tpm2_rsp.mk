FUZZERS += fuzz_tpm2_rsp
fuzz_tpm2_rsp_SRCS := fuzz/fuzz_tpm2_rsp.c attest/tpm2_rsp.c attest/tpm2_cmd.c
