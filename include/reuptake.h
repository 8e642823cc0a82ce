/* reuptake: simulation of the brain's norepinephrine system, and the serotonin and dopamine
 * systems it interlocks with, under monoamine reuptake inhibitors. Umbrella header: include
 * this one; the per-layer headers under reuptake/ are the whole public API.
 * A research and teaching instrument; it gives no clinical advice. */
#ifndef RU_REUPTAKE_H
#define RU_REUPTAKE_H

#define RU_VERSION_MAJOR 0
#define RU_VERSION_MINOR 1
#define RU_VERSION_PATCH 0

#include "reuptake/status.h"
#include "reuptake/units.h"
#include "reuptake/kb.h"
#include "reuptake/regimen.h"
#include "reuptake/pk.h"
#include "reuptake/effect.h"
#include "reuptake/pd.h"
#include "reuptake/io.h"
#include "reuptake/pop.h"
#include "reuptake/ddi.h"
#include "reuptake/validate.h"
#include "reuptake/synapse.h"
#include "reuptake/physio.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Library version string ("0.1.0"). Cannot fail. */
RU_API const char *ru_version(void);
#ifdef __cplusplus
}
#endif
#endif
