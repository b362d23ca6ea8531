/*
 * The boot's measurements (hv/common/measure_boot.c), called by hv_main in
 * this order once the manifest is parsed and attest's measure_start() has
 * run: config (PCR 20: command line, manifest), modules (PCR 22: every
 * module's image and command line), policy (PCR 21), launches (PCR 20: each
 * domain's parameters), then measure_boot_done(). Each returns 0, or an
 * error under measured=required that must stop the boot.
 */
#ifndef HV_MEASURE_BOOT_H
#define HV_MEASURE_BOOT_H

#include <hv/boot.h>
#include <hv/manifest.h>

int measure_boot_config(const struct boot_info *bi, const struct manifest *m);
int measure_boot_modules(const struct boot_info *bi, const struct manifest *m);
int measure_boot_policy(const struct boot_info *bi, const struct manifest *m);
int measure_boot_launches(const struct manifest *m);

#endif
