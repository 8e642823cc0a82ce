/* Library version (reuptake.h). */
#include "reuptake.h"
const char *ru_version(void) { return RU_VERSION_STRING; }
