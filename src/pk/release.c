/* Product release models: the plan of each model (release.h) and the expansion of one product
 * dose record into the dose records of its compound. Pure arithmetic on the plan; no solver. */
#include <math.h>
#include <string.h>

#include "pk/release.h"

static ru_status need(const ru_value *v, const char *key, const char *model, ru_error *err) {
  if (!isfinite(v->value)) {
    return ru_error_set(err, RU_EMISSING, "release model '%s' needs '%s' (missing from the knowledge base)",
                        model, key);
  }
  return RU_OK;
}

/* value when present, else dflt */
static double opt(const ru_value *v, double dflt) { return isfinite(v->value) ? v->value : dflt; }

static void add_piece(rui_release_plan *p, double fraction, double offset_h, double duration_h,
                      rui_release_target target) {
  rui_release_piece *q = &p->piece[p->n++];
  q->fraction = fraction;
  q->offset_h = offset_h;
  q->duration_h = duration_h;
  q->target = target;
}

/* Breakpoints of piecewise-constant inputs lie on a binary grid of 2^-20 h (3.4 ms): sums of
 * offsets and durations are then exact in floating point, so no engine sees the end of one piece
 * a rounding error away from the start of the next. */
static double on_grid(double t_h) {
  const double grid = 1.0 / 1048576.0;
  return round(t_h / grid) * grid;
}

/* A zero-order part of `fraction` of the dose over [lag, lag + d): one constant rate, or, with
 * steps = n, n consecutive pieces of duration d/n whose amounts ascend 1:2:...:n (piece k carries
 * fraction x 2k / (n (n + 1)); the last takes the remainder so the part sums exactly). The
 * ascending core of an osmotic pump (docs/products.md, Concerta) is such a staircase: each step
 * is a constant rate, so the system stays linear and the closed form exact. */
static void add_zero_order_part(rui_release_plan *p, double fraction, double lag_h, double d_h, size_t steps) {
  if (steps <= 1) {
    add_piece(p, fraction, lag_h, d_h, RUI_RELEASE_TO_DEPOT);
    return;
  }
  const double nn = (double)steps;
  double b_prev = on_grid(lag_h), used = 0.0;
  for (size_t k = 1; k <= steps; k++) {
    double b = on_grid(lag_h + d_h * (double)k / nn);
    if (!(b > b_prev)) b = b_prev + 1.0 / 1048576.0;
    const double f = k == steps ? fraction - used : fraction * 2.0 * (double)k / (nn * (nn + 1.0));
    add_piece(p, f, b_prev, b - b_prev, RUI_RELEASE_TO_DEPOT);
    used += f;
    b_prev = b;
  }
}

/* zo_steps as a piece count: 0 when missing (one constant rate), else n (the importer checks it
 * is a whole number in [1, 256]). */
static ru_status zo_steps_of(const ru_release_params *r, size_t *n, ru_error *err) {
  *n = 0;
  if (!isfinite(r->zo_steps.value)) return RU_OK;
  const double x = r->zo_steps.value;
  if (!(x >= 1.0) || x != floor(x) || x + 2.0 > (double)RUI_RELEASE_MAX_PIECES) {
    return ru_error_set(err, RU_EINVAL, "zo_steps %g must be a whole number in [1, %d]", x,
                        RUI_RELEASE_MAX_PIECES - 2);
  }
  *n = (size_t)x;
  return RU_OK;
}

/* Weibull quantile: time after the lag when a fraction u of the dose has been released. */
static double weibull_quantile(double u, double td_h, double beta) {
  return td_h * pow(-log1p(-u), 1.0 / beta);
}

ru_status rui_release_plan_build(const ru_release_params *r, size_t weibull_pieces,
                                 rui_release_plan *out, ru_error *err) {
  if (r == NULL || out == NULL) {
    return ru_error_set(err, RU_EINVAL, "rui_release_plan_build: NULL argument");
  }
  rui_release_plan p;
  memset(&p, 0, sizeof p);
  p.kind = r->kind;
  p.f_rel = opt(&r->f_rel, 1.0);
  if (!(p.f_rel > 0.0 && p.f_rel <= 1.0)) {
    return ru_error_set(err, RU_EINVAL, "relative bioavailability f_rel %g is outside (0, 1]", p.f_rel);
  }
  const char *name = ru_release_kind_name(r->kind);
  const double tlag = opt(&r->tlag_h, 0.0);
  if (!(tlag >= 0.0) || !isfinite(tlag)) {
    return ru_error_set(err, RU_EINVAL, "release lag %g h must be >= 0", tlag);
  }
  ru_status st = RU_OK;
  switch (r->kind) {
  case RU_RELEASE_IMMEDIATE:
  case RU_RELEASE_PRODRUG:
    add_piece(&p, 1.0, 0.0, 0.0, RUI_RELEASE_TO_DEPOT);
    break;
  case RU_RELEASE_DELAYED:
    if ((st = need(&r->tlag_h, "tlag_h", name, err)) != RU_OK) return st;
    if (isfinite(r->ka_per_h.value)) {
      if (!(r->ka_per_h.value > 0.0)) return ru_error_set(err, RU_EINVAL, "product ka %g must be > 0", r->ka_per_h.value);
      add_piece(&p, 1.0, tlag, 0.0, RUI_RELEASE_TO_AUX);
      p.aux = 1;
      p.aux_k_per_h = r->ka_per_h.value;
      p.aux_to_central = 1;
    } else {
      add_piece(&p, 1.0, tlag, 0.0, RUI_RELEASE_TO_DEPOT);
    }
    break;
  case RU_RELEASE_ZERO_ORDER: {
    if ((st = need(&r->zo_duration_h, "zo_duration_h", name, err)) != RU_OK) return st;
    const double d = r->zo_duration_h.value, lag = opt(&r->zo_lag_h, 0.0);
    if (!(d > 0.0) || !(lag >= 0.0)) return ru_error_set(err, RU_EINVAL, "zero-order duration must be > 0 and its lag >= 0");
    size_t steps = 0;
    if ((st = zo_steps_of(r, &steps, err)) != RU_OK) return st;
    add_zero_order_part(&p, 1.0, lag, d, steps);
    break;
  }
  case RU_RELEASE_OROS: {
    if ((st = need(&r->ir_fraction, "ir_fraction", name, err)) != RU_OK) return st;
    if ((st = need(&r->zo_duration_h, "zo_duration_h", name, err)) != RU_OK) return st;
    const double f = r->ir_fraction.value, ird = opt(&r->ir_duration_h, 0.0);
    const double d = r->zo_duration_h.value, lag = opt(&r->zo_lag_h, ird);
    if (!(f >= 0.0 && f <= 1.0) || !(ird >= 0.0) || !(d > 0.0) || !(lag >= 0.0)) {
      return ru_error_set(err, RU_EINVAL, "oros: ir_fraction must be in [0,1], durations > 0, lags >= 0");
    }
    size_t steps = 0;
    if ((st = zo_steps_of(r, &steps, err)) != RU_OK) return st;
    if (f > 0.0) add_piece(&p, f, 0.0, ird, RUI_RELEASE_TO_DEPOT);
    if (f < 1.0) add_zero_order_part(&p, 1.0 - f, lag, d, steps);
    break;
  }
  case RU_RELEASE_TWO_PULSE: {
    if ((st = need(&r->ir_fraction, "ir_fraction", name, err)) != RU_OK) return st;
    if ((st = need(&r->pulse2_lag_h, "pulse2_lag_h", name, err)) != RU_OK) return st;
    const double f = r->ir_fraction.value, lag2 = r->pulse2_lag_h.value;
    if (!(f >= 0.0 && f <= 1.0) || !(lag2 > 0.0)) {
      return ru_error_set(err, RU_EINVAL, "two_pulse: ir_fraction must be in [0,1] and pulse2_lag_h > 0");
    }
    if (f > 0.0) add_piece(&p, f, 0.0, 0.0, RUI_RELEASE_TO_DEPOT);
    if (f < 1.0) add_piece(&p, 1.0 - f, lag2, 0.0, RUI_RELEASE_TO_DEPOT);
    break;
  }
  case RU_RELEASE_FIRST_ORDER:
    if ((st = need(&r->k_release_per_h, "k_release_per_h", name, err)) != RU_OK) return st;
    if (!(r->k_release_per_h.value > 0.0)) return ru_error_set(err, RU_EINVAL, "k_release_per_h must be > 0");
    add_piece(&p, 1.0, tlag, 0.0, RUI_RELEASE_TO_AUX);
    p.aux = 1;
    p.aux_k_per_h = r->k_release_per_h.value;
    p.aux_to_central = 0;
    break;
  case RU_RELEASE_WEIBULL: {
    if ((st = need(&r->weibull_td_h, "weibull_td_h", name, err)) != RU_OK) return st;
    if ((st = need(&r->weibull_beta, "weibull_beta", name, err)) != RU_OK) return st;
    const double td = r->weibull_td_h.value, beta = r->weibull_beta.value;
    if (!(td > 0.0) || !(beta > 0.0) || !isfinite(td) || !isfinite(beta)) {
      return ru_error_set(err, RU_EINVAL, "weibull: td and beta must be > 0");
    }
    const size_t m = weibull_pieces ? weibull_pieces : RUI_RELEASE_WEIBULL_PIECES;
    if (m + 2 > RUI_RELEASE_MAX_PIECES) {
      return ru_error_set(err, RU_ELIMIT, "weibull: %zu pieces (at most %d)", m, RUI_RELEASE_MAX_PIECES - 2);
    }
    p.tlag_h = tlag;
    p.td_h = td;
    p.beta = beta;
    /* breakpoints on the binary grid (on_grid); each piece delivers exactly F(b_k) - F(b_{k-1}) */
    const double grid = 1.0 / 1048576.0;
    const double eps = RUI_RELEASE_WEIBULL_EPS;
    const double b0 = on_grid(tlag);
    double b_prev = b0, f_prev = 0.0;
    for (size_t k = 1; k <= m; k++) {
      const double u = (double)k * (1.0 - eps) / (double)m;
      double b = on_grid(tlag + weibull_quantile(u, td, beta));
      if (!(b > b_prev)) b = b_prev + grid;
      /* the last piece also carries the tail beyond its quantile */
      const double f = k == m ? 1.0 : -expm1(-pow((b - tlag) / td, beta));
      add_piece(&p, f - f_prev, b_prev, b - b_prev, RUI_RELEASE_TO_DEPOT);
      b_prev = b;
      f_prev = f;
    }
    break;
  }
  default:
    return ru_error_set(err, RU_EINVAL, "unknown release model %d", (int)r->kind);
  }
  *out = p;
  return RU_OK;
}

ru_status rui_release_expand(const rui_release_plan *p, const rui_dose *d, double mg_per_label_mg,
                             size_t depot, size_t aux, double compound_lag_h, rui_dose *out,
                             size_t cap, size_t *n, ru_error *err) {
  if (p == NULL || d == NULL || n == NULL || (cap > 0 && out == NULL)) {
    return ru_error_set(err, RU_EINVAL, "rui_release_expand: NULL argument");
  }
  *n = 0;
  if (d->rate != 0.0) {
    return ru_error_set(err, RU_EINVAL,
                        "a product dose is a tablet or capsule taken by mouth: RATE is not accepted "
                        "(give the compound for an infusion)");
  }
  if (!(mg_per_label_mg > 0.0) || !isfinite(mg_per_label_mg) || !(compound_lag_h >= 0.0)) {
    return ru_error_set(err, RU_EINVAL, "product factor %g must be > 0 and lag %g >= 0", mg_per_label_mg,
                        compound_lag_h);
  }
  if (p->n > cap) {
    return ru_error_set(err, RU_ELIMIT, "release plan of %zu pieces exceeds %zu records", p->n, cap);
  }
  const double total = d->amount * mg_per_label_mg * p->f_rel;
  for (size_t k = 0; k < p->n; k++) {
    const rui_release_piece *q = &p->piece[k];
    rui_dose *o = &out[k];
    *o = *d;
    o->amount = total * q->fraction;
    o->rate = q->duration_h > 0.0 ? o->amount / q->duration_h : 0.0;
    if (q->target == RUI_RELEASE_TO_AUX) {
      o->cmt = aux;
      o->lag_h = d->lag_h + q->offset_h;
    } else {
      o->cmt = depot;
      o->lag_h = d->lag_h + compound_lag_h + q->offset_h;
    }
    if (k > 0) {
      /* one reset per dose record: the later pieces add their own steady state */
      o->reset_before = 0;
      if (d->ss == 1) o->ss = 2;
    }
  }
  *n = p->n;
  return RU_OK;
}

double rui_release_plan_cumulative(const rui_release_plan *p, double t_h) {
  double c = 0.0;
  for (size_t k = 0; p != NULL && k < p->n; k++) {
    const rui_release_piece *q = &p->piece[k];
    const double s = t_h - q->offset_h;
    if (s < 0.0) continue;
    if (q->duration_h > 0.0) {
      c += q->fraction * fmin(1.0, s / q->duration_h);
    } else {
      c += q->fraction;
    }
  }
  return c;
}

double rui_release_model_cumulative(const rui_release_plan *p, double t_h) {
  if (p != NULL && p->kind == RU_RELEASE_WEIBULL) {
    const double s = t_h - p->tlag_h;
    return s <= 0.0 ? 0.0 : -expm1(-pow(s / p->td_h, p->beta));
  }
  return rui_release_plan_cumulative(p, t_h);
}
