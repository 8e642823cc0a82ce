/* The knowledge-base compiler links the library objects before any database exists: this empty
 * embedded database stands in for the generated one (build/kb_embed.c). */
#include <stddef.h>
const unsigned char rui_kb_embedded[1] = {0};
const size_t rui_kb_embedded_size = 0;
typedef struct {
  const char *name;
  const unsigned char *data;
  size_t size;
} rui_validation_tables_entry;
const rui_validation_tables_entry rui_validation_tables[1] = {{NULL, NULL, 0}};
