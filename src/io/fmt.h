/* Fast number formatting for large text outputs (internal API of the io layer).
 *
 * rui_fmt_double prints exactly what snprintf("%.*g", sig, v) prints under the default
 * round-to-nearest mode, byte for byte, except that a non-finite value prints "NA" and sig is
 * clamped to [1, 17] (0 -> 1 and negative -> 6, as printf does; above 17 -> 17, which already
 * round-trips every double). It is ~10x faster than snprintf on the common path: the value is
 * scaled to a sig-digit integer with exact powers of ten and a bound on the rounding error;
 * only when that bound cannot decide the last digit (a near tie, rate ~1e-7 at sig 9) or sig is
 * above 15 does it defer to snprintf. The method is in fmt.c. */
#ifndef RU_IO_FMT_H
#define RU_IO_FMT_H

#include <stddef.h>

/* Buffer size the two formatters need. The longest output is 24 characters plus the NUL
 * ("-1.2345678901234567e-308"; INT64_MIN is 20), but rui_fmt_double copies digits in fixed
 * 16-byte blocks and may scribble past the NUL: pass RUI_FMT_BUF bytes, always. */
#define RUI_FMT_BUF 48

/* Writes v with sig significant digits in %g style into buf (at least RUI_FMT_BUF bytes),
 * NUL-terminated; returns the length without the NUL. Cannot fail. */
size_t rui_fmt_double(char *buf, double v, int sig);

/* Writes the decimal form of v into buf (at least RUI_FMT_BUF bytes), NUL-terminated; returns
 * the length. Equal to snprintf("%lld"). Cannot fail. */
size_t rui_fmt_int(char *buf, long long v);

#endif
