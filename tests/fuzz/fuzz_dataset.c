/* libFuzzer harness for the NONMEM-style dataset reader (ru_regimen_read_dataset_buffer): any
 * bytes must read or fail cleanly; on success every record is finite and NONMEM-consistent,
 * subjects are contiguous with non-decreasing TIME, and ru_regimen_subset partitions the
 * records; on failure nothing is appended and the message is one line. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reuptake/regimen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int ok) {
  if (!ok) {
    abort();
  }
}

static void check_event(const ru_event *e) {
  require(memchr(e->compound, '\0', sizeof e->compound) != NULL);
  require(e->id >= 0);
  require(e->evid >= RU_EVID_OBSERVATION && e->evid <= RU_EVID_RESET_DOSE);
  require(isfinite(e->time_h) && e->time_h >= 0.0 && e->time_h <= RU_REGIMEN_MAX_TIME_H);
  require(isfinite(e->amount_mg) && e->amount_mg >= 0.0 && e->amount_mg <= RU_REGIMEN_MAX_DOSE_MG);
  const int modelled = e->rate_mg_per_h == RU_RATE_MODELLED_RATE ||
                       e->rate_mg_per_h == RU_RATE_MODELLED_DURATION;
  require(isfinite(e->rate_mg_per_h) && (e->rate_mg_per_h >= 0.0 || modelled));
  require(e->rate_mg_per_h != RU_RATE_MODELLED_RATE || e->model_rate_mg_per_h > 0.0);
  require(e->rate_mg_per_h != RU_RATE_MODELLED_DURATION || e->model_dur_h > 0.0);
  require(!e->has_bioav || (isfinite(e->bioav) && e->bioav >= 0.0 && e->bioav <= RU_REGIMEN_MAX_BIOAV));
  require(!e->has_lag || (isfinite(e->lag_h) && e->lag_h >= 0.0));
  require(isfinite(e->ii_h) && e->ii_h >= 0.0);
  require(e->addl >= 0 && e->addl < RU_REGIMEN_MAX_COUNT); /* datasets cannot say "forever" */
  require(e->ss >= 0 && e->ss <= 2);
  require(e->cmt >= RU_CMT_DEFAULT && e->cmt <= RU_CMT_CENTRAL);
  require(e->mdv == 0 || e->mdv == 1);
  const int dose = e->evid == RU_EVID_DOSE || e->evid == RU_EVID_RESET_DOSE;
  if (dose) {
    require(e->compound[0] != '\0' && e->mdv == 1);
    require(e->amount_mg > 0.0 || (e->ss > 0 && e->rate_mg_per_h != 0.0 && e->ii_h == 0.0));
    require(e->ss == 0 || e->ii_h > 0.0 || e->rate_mg_per_h != 0.0);
    require(e->addl == 0 || e->ii_h > 0.0);
  } else {
    require(e->amount_mg == 0.0 && e->rate_mg_per_h == 0.0 && e->ss == 0 && e->addl == 0);
    require(!e->has_bioav && !e->has_lag);
    require(e->evid == RU_EVID_OBSERVATION || e->mdv == 1);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) {
    return 0;
  }
  ru_regimen *r = NULL;
  ru_error err;
  ru_error_clear(&err);
  require(ru_regimen_new(&r, &err) == RU_OK);
  const ru_status st =
      ru_regimen_read_dataset_buffer(r, (const char *)data, size, "fuzz.csv", &err);
  if (st == RU_OK) {
    const size_t n = ru_regimen_count(r);
    require(n > 0);
    size_t runs = 1; /* maximal runs of one ID: contiguous subjects give one run per ID */
    for (size_t i = 0; i < n; i++) {
      const ru_event *e = ru_regimen_event(r, i);
      check_event(e);
      require(ru_regimen_has_id(r, e->id));
      if (i > 0) {
        const ru_event *p = ru_regimen_event(r, i - 1);
        require(p->id != e->id || p->time_h <= e->time_h); /* TIME non-decreasing */
        runs += p->id != e->id;
      }
    }
    require(runs == ru_regimen_id_count(r));
    size_t total = 0;
    for (size_t k = 0; k < ru_regimen_id_count(r); k++) {
      ru_regimen *s = NULL;
      require(ru_regimen_subset(r, ru_regimen_id(r, k), &s, NULL) == RU_OK);
      require(ru_regimen_count(s) > 0 && ru_regimen_id_count(s) == 1);
      total += ru_regimen_count(s);
      ru_regimen_free(s);
    }
    require(total == n);
    require(isfinite(ru_regimen_last_dose_h(r)));
  } else {
    require(st < 0 && err.code == st);
    require(ru_regimen_count(r) == 0);
    require(strchr(err.message, '\n') == NULL && err.message[0] != '\0');
  }
  ru_regimen_free(r);
  return 0;
}
