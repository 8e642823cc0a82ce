/* The knowledge-base compiler links the library objects before any database exists: this empty
 * embedded database stands in for the generated one (build/kb_embed.c). */
#include <stddef.h>
const unsigned char rui_kb_embedded[1] = {0};
const size_t rui_kb_embedded_size = 0;
