/* Line plots with cairo (io.h): stacked panels sharing an x axis, legends, optional shaded
 * bands (population percentiles), linear or log y. Published through the atomic output file
 * (outfile.c): whole or not at all. */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "reuptake/io.h"

/* Okabe & Ito 2008 colour-blind-safe palette ("Color Universal Design"). */
static const double PALETTE[][3] = {
    {0.000, 0.447, 0.698}, {0.835, 0.369, 0.000}, {0.000, 0.620, 0.451}, {0.800, 0.475, 0.655},
    {0.941, 0.894, 0.259}, {0.337, 0.706, 0.914}, {0.902, 0.624, 0.000}, {0.0, 0.0, 0.0},
};
#define NPAL (sizeof PALETTE / sizeof PALETTE[0])

typedef enum { FMT_PNG, FMT_SVG, FMT_PDF } plot_fmt;

static int ends_with(const char *s, const char *suf) {
  const size_t a = strlen(s), b = strlen(suf);
  return a >= b && strcasecmp(s + a - b, suf) == 0;
}

/* "Nice" tick step (1, 2, 5 x 10^k) for a range and about 6 ticks. */
static double nice_step(double range) {
  const double raw = range / 6.0;
  const double mag = pow(10.0, floor(log10(raw)));
  const double f = raw / mag;
  return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * mag;
}

static void draw_panel(cairo_t *cr, double x0, double y0, double w, double h, const double *x,
                       size_t n, const ru_plot_panel *p, const char *xlabel, int show_xlabel) {
  double xmin = x[0], xmax = x[n - 1];
  if (!(xmax > xmin)) xmax = xmin + 1.0;
  double ymin = HUGE_VAL, ymax = -HUGE_VAL;
  for (size_t s = 0; s < p->nseries; s++) {
    for (size_t i = 0; i < n; i++) {
      const double vals[3] = {p->series[s].y[i], p->series[s].y_low ? p->series[s].y_low[i] : nan(""),
                              p->series[s].y_high ? p->series[s].y_high[i] : nan("")};
      for (int k = 0; k < 3; k++) {
        const double v = vals[k];
        if (!isfinite(v) || (p->log_y && v <= 0.0)) continue;
        ymin = fmin(ymin, v);
        ymax = fmax(ymax, v);
      }
    }
  }
  if (p->y_max > p->y_min) {
    ymin = p->y_min;
    ymax = p->y_max;
  }
  if (!isfinite(ymin)) {
    ymin = 0.0;
    ymax = 1.0;
  }
  if (!p->log_y && ymin > 0.0 && !(p->y_max > p->y_min)) ymin = 0.0;
  if (!(ymax > ymin)) ymax = ymin + (ymin == 0.0 ? 1.0 : fabs(ymin) * 0.1);
  double ly0 = 0.0, ly1 = 1.0;
  if (p->log_y) {
    ly0 = floor(log10(ymin));
    ly1 = ceil(log10(ymax));
    if (ly1 <= ly0) ly1 = ly0 + 1.0;
  } else {
    ymax *= 1.05;
  }
#define PX(v) (x0 + ((v) - xmin) / (xmax - xmin) * w)
#define PY(v) (p->log_y ? (y0 + h - (log10(v) - ly0) / (ly1 - ly0) * h) \
                        : (y0 + h - ((v) - ymin) / (ymax - ymin) * h))
  /* frame and grid */
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, x0, y0, w, h);
  cairo_fill(cr);
  cairo_set_line_width(cr, 0.6);
  cairo_set_font_size(cr, 11.0);
  char lab[64];
  const double xs = nice_step(xmax - xmin);
  for (double v = ceil(xmin / xs) * xs; v <= xmax + 1e-9 * xs; v += xs) {
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_move_to(cr, PX(v), y0);
    cairo_line_to(cr, PX(v), y0 + h);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    snprintf(lab, sizeof lab, "%g", fabs(v) < 1e-12 * xs ? 0.0 : v);
    cairo_text_extents_t te;
    cairo_text_extents(cr, lab, &te);
    cairo_move_to(cr, PX(v) - te.width / 2, y0 + h + 14);
    cairo_show_text(cr, lab);
  }
  if (p->log_y) {
    for (double e = ly0; e <= ly1; e += 1.0) {
      const double v = pow(10.0, e);
      cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
      cairo_move_to(cr, x0, PY(v));
      cairo_line_to(cr, x0 + w, PY(v));
      cairo_stroke(cr);
      cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
      snprintf(lab, sizeof lab, "%g", v);
      cairo_text_extents_t te;
      cairo_text_extents(cr, lab, &te);
      cairo_move_to(cr, x0 - te.width - 6, PY(v) + 4);
      cairo_show_text(cr, lab);
    }
  } else {
    const double ys = nice_step(ymax - ymin);
    for (double v = ceil(ymin / ys) * ys; v <= ymax + 1e-9 * ys; v += ys) {
      cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
      cairo_move_to(cr, x0, PY(v));
      cairo_line_to(cr, x0 + w, PY(v));
      cairo_stroke(cr);
      cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
      snprintf(lab, sizeof lab, "%g", fabs(v) < 1e-12 * ys ? 0.0 : v);
      cairo_text_extents_t te;
      cairo_text_extents(cr, lab, &te);
      cairo_move_to(cr, x0 - te.width - 6, PY(v) + 4);
      cairo_show_text(cr, lab);
    }
  }
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  cairo_rectangle(cr, x0, y0, w, h);
  cairo_stroke(cr);
  /* y label, rotated */
  cairo_save(cr);
  cairo_set_font_size(cr, 12.0);
  cairo_text_extents_t te;
  cairo_text_extents(cr, p->ylabel ? p->ylabel : "", &te);
  cairo_move_to(cr, x0 - 58, y0 + h / 2 + te.width / 2);
  cairo_rotate(cr, -1.5707963267948966); /* -pi/2: vertical label */
  cairo_show_text(cr, p->ylabel ? p->ylabel : "");
  cairo_restore(cr);
  if (show_xlabel && xlabel) {
    cairo_set_font_size(cr, 12.0);
    cairo_text_extents(cr, xlabel, &te);
    cairo_move_to(cr, x0 + w / 2 - te.width / 2, y0 + h + 32);
    cairo_show_text(cr, xlabel);
  }
  /* series, clipped to the frame */
  cairo_save(cr);
  cairo_rectangle(cr, x0, y0, w, h);
  cairo_clip(cr);
  for (size_t s = 0; s < p->nseries; s++) {
    const double *c = PALETTE[s % NPAL];
    const ru_plot_series *ser = &p->series[s];
    if (ser->y_low && ser->y_high) {
      cairo_set_source_rgba(cr, c[0], c[1], c[2], 0.22);
      int open = 0;
      for (size_t i = 0; i < n; i++) {
        if (!isfinite(ser->y_high[i]) || (p->log_y && ser->y_high[i] <= 0)) continue;
        if (!open) cairo_move_to(cr, PX(x[i]), PY(ser->y_high[i]));
        else cairo_line_to(cr, PX(x[i]), PY(ser->y_high[i]));
        open = 1;
      }
      for (size_t i = n; i-- > 0;) {
        if (!isfinite(ser->y_low[i]) || (p->log_y && ser->y_low[i] <= 0)) continue;
        cairo_line_to(cr, PX(x[i]), PY(ser->y_low[i]));
      }
      if (open) {
        cairo_close_path(cr);
        cairo_fill(cr);
      }
    }
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    cairo_set_line_width(cr, 1.6);
    int pen = 0;
    for (size_t i = 0; i < n; i++) {
      const double v = ser->y[i];
      if (!isfinite(v) || (p->log_y && v <= 0.0)) {
        pen = 0;
        continue;
      }
      if (!pen) cairo_move_to(cr, PX(x[i]), PY(v));
      else cairo_line_to(cr, PX(x[i]), PY(v));
      pen = 1;
    }
    cairo_stroke(cr);
  }
  cairo_restore(cr);
  /* legend */
  cairo_set_font_size(cr, 11.0);
  for (size_t s = 0; s < p->nseries; s++) {
    const double *c = PALETTE[s % NPAL];
    const double ly = y0 + 14 + 15.0 * (double)s;
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    cairo_set_line_width(cr, 2.5);
    cairo_move_to(cr, x0 + w + 10, ly - 4);
    cairo_line_to(cr, x0 + w + 28, ly - 4);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_move_to(cr, x0 + w + 32, ly);
    cairo_show_text(cr, p->series[s].label ? p->series[s].label : "");
  }
#undef PX
#undef PY
}

/* A drawing surface whose bytes go to an atomic output file (outfile.c) through cairo's stream
 * interface, so a plot is published like every other file: whole or not at all. Every drawing
 * entry point opens one with plot_open and publishes it with plot_close. */
typedef struct plot_file {
  plot_fmt fmt;
  ru_outfile *file;
  cairo_surface_t *surf;
  cairo_t *cr;   /* on a white background */
  ru_error werr; /* the first write error inside cairo's callback */
} plot_file;

static cairo_status_t plot_write(void *closure, const unsigned char *data, unsigned int length) {
  plot_file *pt = closure;
  if (pt->werr.code != RU_OK) {
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return ru_outfile_write(pt->file, data, length, &pt->werr) == RU_OK ? CAIRO_STATUS_SUCCESS
                                                                      : CAIRO_STATUS_WRITE_ERROR;
}

/* Opens the surface for path (.png, .svg or .pdf) of width x height points. */
static ru_status plot_open(const char *path, double width, double height, plot_file *pt,
                           ru_error *err) {
  memset(pt, 0, sizeof *pt);
  ru_error_clear(&pt->werr);
  if (ends_with(path, ".png")) pt->fmt = FMT_PNG;
  else if (ends_with(path, ".svg")) pt->fmt = FMT_SVG;
  else if (ends_with(path, ".pdf")) pt->fmt = FMT_PDF;
  else return ru_error_set(err, RU_EINVAL, "plot '%s': use a .png, .svg or .pdf file name", path);
  ru_status st = ru_outfile_open(path, &pt->file, err);
  if (st != RU_OK) {
    return st;
  }
  switch (pt->fmt) {
  case FMT_PNG:
    pt->surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)width, (int)height);
    break;
  case FMT_SVG:
    pt->surf = cairo_svg_surface_create_for_stream(plot_write, pt, width, height);
    break;
  case FMT_PDF:
    pt->surf = cairo_pdf_surface_create_for_stream(plot_write, pt, width, height);
    break;
  }
  if (pt->surf == NULL || cairo_surface_status(pt->surf) != CAIRO_STATUS_SUCCESS) {
    if (pt->surf) cairo_surface_destroy(pt->surf);
    ru_outfile_free(pt->file);
    return ru_error_set(err, RU_EOUTPUT, "plot '%s': cannot create the drawing surface", path);
  }
  pt->cr = cairo_create(pt->surf);
  cairo_set_source_rgb(pt->cr, 1, 1, 1);
  cairo_paint(pt->cr);
  return RU_OK;
}

/* Finishes the surface and publishes the file (discarded on any failure). */
static ru_status plot_close(plot_file *pt, const char *path, ru_error *err) {
  cairo_destroy(pt->cr);
  cairo_status_t cs;
  if (pt->fmt == FMT_PNG) {
    cs = cairo_surface_write_to_png_stream(pt->surf, plot_write, pt);
  } else {
    cairo_surface_finish(pt->surf);
    cs = cairo_surface_status(pt->surf);
  }
  cairo_surface_destroy(pt->surf);
  ru_status st = RU_OK;
  if (pt->werr.code != RU_OK) {
    st = ru_error_set(err, pt->werr.code, "plot: %s", pt->werr.message);
  } else if (cs != CAIRO_STATUS_SUCCESS) {
    st = ru_error_set(err, RU_EOUTPUT, "plot '%s': cannot draw the file (%s)", path,
                      cairo_status_to_string(cs));
  } else {
    st = ru_outfile_commit(pt->file, err);
  }
  ru_outfile_free(pt->file);
  return st;
}

ru_status ru_plot_panels(const char *path, const char *title, const char *xlabel,
                         const double *x, size_t n, const ru_plot_panel *panels, size_t npanels,
                         ru_error *err) {
  if (path == NULL || x == NULL || n < 2 || panels == NULL || npanels == 0 || npanels > 8) {
    return ru_error_set(err, RU_EINVAL, "plot: nothing to draw");
  }
  const double width = 960.0, panel_h = 280.0, top = 40.0, gap = 50.0;
  const double height = top + (panel_h + gap) * (double)npanels + 10.0;
  plot_file pf;
  ru_status st = plot_open(path, width, height, &pf, err);
  if (st != RU_OK) return st;
  cairo_t *cr = pf.cr;
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  if (title) {
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_font_size(cr, 14.0);
    cairo_move_to(cr, 80, 24);
    cairo_show_text(cr, title);
  }
  const double plot_w = width - 80.0 - 220.0;
  for (size_t k = 0; k < npanels; k++) {
    draw_panel(cr, 80.0, top + (double)k * (panel_h + gap), plot_w, panel_h, x, n, &panels[k],
               xlabel, k + 1 == npanels);
  }
  return plot_close(&pf, path, err);
}

/* --- heatmap (reuptake map) ------------------------------------------------------------------- */

/* The viridis colour map (Smith & van der Walt, matplotlib 2015: perceptually uniform, readable
 * in grey and by colour-blind viewers), five anchors interpolated linearly. */
static void viridis(double v, double rgb[3]) {
  static const double A[5][3] = {{0.267, 0.005, 0.329}, {0.229, 0.322, 0.546}, {0.128, 0.567, 0.551},
                                 {0.369, 0.789, 0.383}, {0.993, 0.906, 0.144}};
  const double x = fmin(1.0, fmax(0.0, v)) * 4.0;
  const int i = x >= 4.0 ? 3 : (int)x;
  const double f = x - (double)i;
  for (int k = 0; k < 3; k++) rgb[k] = A[i][k] + f * (A[i + 1][k] - A[i][k]);
}

static void text_at(cairo_t *cr, double x, double y, const char *s, int align /* 0 left, 1 centre, 2 right */) {
  cairo_text_extents_t te;
  cairo_text_extents(cr, s, &te);
  const double dx = align == 1 ? -te.width / 2 - te.x_bearing : align == 2 ? -te.width - te.x_bearing : 0.0;
  cairo_move_to(cr, x + dx, y);
  cairo_show_text(cr, s);
}

ru_status ru_plot_heatmap(const char *path, const ru_heatmap *h, ru_error *err) {
  if (path == NULL || h == NULL || h->nrows == 0 || h->ncols == 0 || h->row_labels == NULL ||
      h->col_labels == NULL || h->values == NULL || h->ntext > 2) {
    return ru_error_set(err, RU_EINVAL, "heatmap: nothing to draw");
  }
  /* layout (px): large cells and type so a projected slide reads from the back of a room */
  const double left = 250.0, cell_w = 78.0, cell_h = 30.0, top = 110.0, group_gap = 26.0;
  const double text_w[2] = {96.0, 250.0};
  size_t ngroups = 0;
  for (size_t r = 0; r < h->nrows; r++) {
    if (h->row_groups && (r == 0 || strcmp(h->row_groups[r], h->row_groups[r - 1]) != 0)) ngroups++;
  }
  double width = left + cell_w * (double)h->ncols + 30.0;
  for (size_t t = 0; t < h->ntext; t++) width += text_w[t];
  const double grid_h = cell_h * (double)h->nrows + group_gap * (double)ngroups;
  /* the note is wrapped at spaces to the width (12 px sans-serif averages under 7 px a character) */
  char note[8][256];
  size_t nnote = 0;
  if (h->note != NULL && h->note[0] != '\0') {
    const size_t per_line = (size_t)((width - 40.0) / 7.0) < sizeof note[0] ? (size_t)((width - 40.0) / 7.0)
                                                                           : sizeof note[0] - 1;
    const char *q = h->note;
    while (*q != '\0' && nnote < 8) {
      size_t len = strlen(q);
      if (len > per_line) {
        len = per_line;
        while (len > 0 && q[len] != ' ') len--;
        if (len == 0) len = per_line; /* one long word: cut it */
      }
      memcpy(note[nnote], q, len);
      note[nnote][len] = '\0';
      nnote++;
      q += len;
      while (*q == ' ') q++;
    }
  }
  const double height = top + grid_h + 120.0 + 18.0 * (double)nnote;
  plot_file pf;
  ru_status st = plot_open(path, width, height, &pf, err);
  if (st != RU_OK) return st;
  cairo_t *cr = pf.cr;
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_font_size(cr, 20.0);
  text_at(cr, 20.0, 34.0, h->title ? h->title : "", 0);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 13.0);
  cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
  text_at(cr, 20.0, 56.0, h->subtitle ? h->subtitle : "", 0);
  /* column headers */
  cairo_set_font_size(cr, 15.0);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (size_t c = 0; c < h->ncols; c++) {
    text_at(cr, left + cell_w * ((double)c + 0.5), top - 14.0, h->col_labels[c], 1);
  }
  double tx = left + cell_w * (double)h->ncols + 14.0;
  for (size_t t = 0; t < h->ntext; t++) {
    text_at(cr, tx, top - 14.0, h->text_headers[t] ? h->text_headers[t] : "", 0);
    tx += text_w[t];
  }
  /* rows */
  double y = top;
  char cell[32];
  for (size_t r = 0; r < h->nrows; r++) {
    if (h->row_groups && (r == 0 || strcmp(h->row_groups[r], h->row_groups[r - 1]) != 0)) {
      /* a band with the group name above its rows, and a rule */
      cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
      cairo_set_line_width(cr, 1.0);
      cairo_move_to(cr, 12.0, y + 3.0);
      cairo_line_to(cr, width - 12.0, y + 3.0);
      cairo_stroke(cr);
      cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size(cr, 13.0);
      cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
      text_at(cr, 14.0, y + group_gap - 6.0, h->row_groups[r], 0);
      cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      y += group_gap;
    }
    cairo_set_font_size(cr, 15.0);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text_at(cr, left - 10.0, y + cell_h * 0.68, h->row_labels[r], 2);
    for (size_t c = 0; c < h->ncols; c++) {
      const double v = h->values[r * h->ncols + c];
      const double x = left + cell_w * (double)c;
      double rgb[3] = {0.85, 0.85, 0.85};
      if (isfinite(v)) viridis(v, rgb);
      cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
      cairo_rectangle(cr, x + 1.0, y + 1.0, cell_w - 2.0, cell_h - 2.0);
      cairo_fill(cr);
      /* dark text on the light (yellow-green) end, white on the dark end */
      const double lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
      if (lum > 0.5) cairo_set_source_rgb(cr, 0, 0, 0);
      else cairo_set_source_rgb(cr, 1, 1, 1);
      if (!isfinite(v)) snprintf(cell, sizeof cell, "-");
      else if (v >= 0.995) snprintf(cell, sizeof cell, ">99%%");
      else if (v > 0.0 && v < 0.005) snprintf(cell, sizeof cell, "<1%%");
      else snprintf(cell, sizeof cell, "%.0f%%", 100.0 * v);
      cairo_set_font_size(cr, 14.0);
      text_at(cr, x + cell_w / 2, y + cell_h * 0.68, cell, 1);
    }
    tx = left + cell_w * (double)h->ncols + 14.0;
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_font_size(cr, 13.0);
    for (size_t t = 0; t < h->ntext; t++) {
      text_at(cr, tx, y + cell_h * 0.68, h->text[t] && h->text[t][r] ? h->text[t][r] : "", 0);
      tx += text_w[t];
    }
    y += cell_h;
  }
  /* colour key */
  const double ky = y + 28.0, kx = left, kw = cell_w * (double)(h->ncols < 4 ? h->ncols : 4), kh = 16.0;
  for (int i = 0; i < 100; i++) {
    double rgb[3];
    viridis((double)i / 99.0, rgb);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_rectangle(cr, kx + kw * (double)i / 100.0, ky, kw / 100.0 + 0.5, kh);
    cairo_fill(cr);
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_font_size(cr, 12.0);
  text_at(cr, kx, ky + kh + 15.0, "0%", 0);
  text_at(cr, kx + kw / 2, ky + kh + 15.0, "50%", 1);
  text_at(cr, kx + kw, ky + kh + 15.0, "100%", 2);
  text_at(cr, kx + kw + 14.0, ky + 13.0, h->value_label ? h->value_label : "", 0);
  cairo_set_font_size(cr, 12.0);
  cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
  for (size_t k = 0; k < nnote; k++) {
    text_at(cr, 20.0, height - 42.0 - 18.0 * (double)(nnote - 1 - k), note[k], 0);
  }
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  text_at(cr, 20.0, height - 18.0, h->footer ? h->footer : "", 0);
  return plot_close(&pf, path, err);
}
