/* Physiology validation set: pending the plasma-NE model's public header. */
#include "validation/validate_impl.h"

ru_status rui_validate_physiology(const char *file, int embedded, ru_vset *v, size_t *cap,
                                  ru_error *err) {
  (void)file;
  (void)embedded;
  (void)v;
  (void)cap;
  return ru_error_set(err, RU_EINTERNAL, "the physiology set needs the plasma-NE model (pending)");
}
