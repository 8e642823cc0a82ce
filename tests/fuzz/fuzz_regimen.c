/* libFuzzer harness for the command-line regimen grammar (ru_regimen_parse): any byte string,
 * NUL-terminated, must parse or fail cleanly; on success every event is finite and valid, and
 * on failure nothing is appended and the message is one line. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reuptake/regimen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts (a crash the fuzzer reports) when the invariant does not hold. */
static void require(int ok) {
  if (!ok) {
    abort();
  }
}

static void check_event(const ru_event *e) {
  require(memchr(e->compound, '\0', sizeof e->compound) != NULL);
  require(e->compound[0] != '\0');
  require(e->id == 1);
  require(e->evid == RU_EVID_DOSE);
  require(e->mdv == 1);
  require(isfinite(e->time_h) && e->time_h >= 0.0 && e->time_h <= RU_REGIMEN_MAX_TIME_H);
  require(isfinite(e->amount_mg) && e->amount_mg > 0.0 && e->amount_mg <= RU_REGIMEN_MAX_DOSE_MG);
  require(isfinite(e->rate_mg_per_h) && e->rate_mg_per_h >= 0.0);
  require(isfinite(e->ii_h) && e->ii_h >= 0.0 && e->ii_h <= RU_REGIMEN_MAX_TIME_H);
  require(e->ii_h == 0.0 || e->ii_h >= RU_REGIMEN_MIN_INTERVAL_H);
  require(e->addl >= -1 && e->addl < RU_REGIMEN_MAX_COUNT);
  require(e->ii_h > 0.0 || e->addl == 0); /* repeats need an interval */
  require(e->ss == 0 || (e->ss == 1 && e->ii_h > 0.0));
  require(e->cmt == RU_CMT_DEFAULT || e->cmt == RU_CMT_CENTRAL);
  require(e->rate_mg_per_h == 0.0 || e->cmt == RU_CMT_CENTRAL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) {
    return 0;
  }
  char *spec = malloc(size + 1);
  if (spec == NULL) {
    return 0;
  }
  memcpy(spec, data, size);
  spec[size] = '\0';

  ru_regimen *r = NULL;
  ru_error err;
  ru_error_clear(&err);
  require(ru_regimen_new(&r, &err) == RU_OK);
  const ru_status st = ru_regimen_parse(r, spec, &err);
  if (st == RU_OK) {
    require(ru_regimen_count(r) == 1);
    check_event(ru_regimen_event(r, 0));
    require(ru_regimen_id_count(r) == 1 && ru_regimen_id(r, 0) == 1);
    require(isfinite(ru_regimen_last_dose_h(r)));
  } else {
    require(st < 0 && err.code == st);
    require(ru_regimen_count(r) == 0);
    require(memchr(err.message, '\0', sizeof err.message) != NULL);
    require(strchr(err.message, '\n') == NULL && err.message[0] != '\0');
  }
  ru_regimen_free(r);
  free(spec);
  return 0;
}
