/* Output helpers of the library: plots (PNG, SVG or PDF by file extension, drawn with cairo).
 * Files are written atomically: to a temporary file in the same directory, then renamed, so
 * a failure never leaves a half-written file. */
#ifndef RU_IO_H
#define RU_IO_H

#include <stddef.h>

#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ru_plot_series {
  const char *label;   /* legend text */
  const double *y;     /* n values (non-finite values are gaps) */
  const double *y_low; /* optional band (NULL): drawn shaded between y_low and y_high */
  const double *y_high;
} ru_plot_series;

typedef struct ru_plot_panel {
  const char *ylabel;
  const ru_plot_series *series;
  size_t nseries;
  int log_y;           /* 1: logarithmic y axis */
  double y_min, y_max; /* fixed range when y_max > y_min, else automatic */
} ru_plot_panel;

/* Draws npanels stacked panels sharing the x axis into path (.png, .svg or .pdf). */
RU_API ru_status ru_plot_panels(const char *path, const char *title, const char *xlabel,
                                const double *x, size_t n, const ru_plot_panel *panels,
                                size_t npanels, ru_error *err);

#ifdef __cplusplus
}
#endif
#endif
