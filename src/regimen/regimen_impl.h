/* Internals shared by the regimen files (regimen.c: the grammar and the record store;
 * nonmem.c: the dataset reader). Not API. */
#ifndef RU_REGIMEN_IMPL_H
#define RU_REGIMEN_IMPL_H

#include "reuptake/regimen.h"

/* The per-record dose-modifier data items, in this order: F, ALAG, R, D. */
enum { RUI_ITEM_F, RUI_ITEM_ALAG, RUI_ITEM_R, RUI_ITEM_D, RUI_DATA_ITEMS };
extern const char *const rui_data_item_names[RUI_DATA_ITEMS];

/* The dataset column that carries item (its --data-map name, or the item's own name). */
const char *rui_regimen_data_column(const ru_regimen *r, int item);
/* Adds a warning line (once: a repeated text is dropped). */
ru_status rui_regimen_warn(ru_regimen *r, const char *text, ru_error *err);

#endif
