/* The one event normaliser and the walker every engine uses (src/pk/events.h).
 *
 * rui_timeline_build turns dose records into sorted canonical records; rui_timeline_walk walks
 * them together with the output times and drives an engine through its operation table. The
 * dosing semantics (ADDL, lag, infusions as on/off pairs, resets cancelling pending doses,
 * steady-state placements at a point of the cycle) are written here once; the engines only
 * integrate. References for the semantics: NONMEM Users Guide VI (PREDPP), chapter V; nmhelp
 * pages "SS data item", "SS dose event record", "RATE data item" (ICON plc). */
#include "pk/events.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

/* --- building ------------------------------------------------------------------------------- */

typedef struct build_ev {
  rui_ev ev;
  size_t rec;      /* record index that generated it */
  int cancelled;
} build_ev;

typedef struct builder {
  build_ev *ev;
  size_t n, cap;
  rui_ss_block *ss;
  size_t nss, capss;
  size_t ninf;
  double t_end;
} builder;

static ru_status push(builder *b, double t, rui_ev_kind kind, size_t cmt, double value, size_t id,
                      size_t rec, ru_error *err) {
  if (t > b->t_end && kind != RUI_EV_RESET) {
    return RU_OK; /* cannot affect any output */
  }
  if (b->n == b->cap) {
    const size_t cap = b->cap ? b->cap * 2 : 64;
    build_ev *ne = rui_realloc(b->ev, cap * sizeof *ne);
    if (ne == NULL) {
      return ru_error_set(err, RU_ENOMEM, "dose timeline: out of memory for %zu records", cap);
    }
    b->ev = ne;
    b->cap = cap;
  }
  b->ev[b->n] = (build_ev){{t, kind, cmt, value, id, b->n}, rec, 0};
  b->n++;
  return RU_OK;
}

/* One infusion: on at t, off at t + dur (the off record is dropped beyond the horizon). */
static ru_status push_infusion(builder *b, double t, size_t cmt, double rate, double dur,
                               size_t rec, ru_error *err) {
  if (t > b->t_end) {
    return RU_OK;
  }
  const size_t id = b->ninf++;
  ru_status st = push(b, t, RUI_EV_RATE_ON, cmt, rate, id, rec, err);
  if (st == RU_OK && isfinite(dur)) {
    st = push(b, t + dur, RUI_EV_RATE_OFF, cmt, rate, id, rec, err);
  }
  return st;
}

/* One dose of a record: a bolus, or an infusion of the record's rate. */
static ru_status push_dose(builder *b, const rui_dose *d, double t, size_t rec, ru_error *err) {
  if (d->rate > 0.0) {
    return push_infusion(b, t, d->cmt, d->rate, d->amount / d->rate, rec, err);
  }
  return push(b, t, RUI_EV_BOLUS, d->cmt, d->amount, 0, rec, err);
}

ru_status rui_dose_check(const rui_dose *d, size_t i, size_t n, ru_error *err) {
  if (!isfinite(d->time_h) || d->time_h < 0.0) {
    return ru_error_set(err, RU_EINVAL, "dose record %zu: time %g h must be finite and >= 0", i,
                        d->time_h);
  }
  if (!isfinite(d->lag_h) || d->lag_h < 0.0) {
    return ru_error_set(err, RU_EINVAL, "dose record %zu: lag %g h must be finite and >= 0", i,
                        d->lag_h);
  }
  if (d->cmt >= n) {
    return ru_error_set(err, RU_EINVAL, "dose record %zu: compartment %zu out of range (n = %zu)",
                        i, d->cmt, n);
  }
  if (!isfinite(d->amount) || d->amount < 0.0) {
    return ru_error_set(err, RU_EINVAL, "dose record %zu: amount %g must be finite and >= 0", i,
                        d->amount);
  }
  if (!isfinite(d->rate) || d->rate < 0.0) {
    return ru_error_set(err, RU_EINVAL, "dose record %zu: rate %g must be finite and >= 0", i,
                        d->rate);
  }
  if (!isfinite(d->ii_h) || d->ii_h < 0.0) {
    return ru_error_set(err, RU_EINVAL, "dose record %zu: interval %g h must be finite and >= 0",
                        i, d->ii_h);
  }
  if (d->addl < -1) {
    return ru_error_set(err, RU_EINVAL, "dose record %zu: addl %ld must be >= -1", i, d->addl);
  }
  if (d->ss < 0 || d->ss > 2) {
    return ru_error_set(err, RU_EINVAL, "dose record %zu: ss %d must be 0, 1 or 2", i, d->ss);
  }
  if (d->reset_before != 0 && d->reset_before != 1) {
    return ru_error_set(err, RU_EINVAL, "dose record %zu: reset_before %d must be 0 or 1", i,
                        d->reset_before);
  }
  const int const_inf_ss = d->ss != 0 && d->ii_h == 0.0 && d->rate > 0.0 && d->addl == 0;
  if ((d->addl != 0 || d->ss != 0) && !(d->ii_h > 0.0) && !const_inf_ss) {
    return ru_error_set(err, RU_EINVAL,
                        "dose record %zu: repeated or steady-state dose needs an interval ii > 0",
                        i);
  }
  if (d->ss != 0 && d->ii_h > 0.0 && !(d->amount > 0.0)) {
    return ru_error_set(err, RU_EINVAL, "dose record %zu: a periodic steady-state dose needs an "
                        "amount > 0", i);
  }
  return RU_OK;
}

/* Number of doses of record d at or before t_end (as a double: an absurd count is refused
 * before it is converted). */
static double dose_count(const rui_dose *d, double t0, double t_end) {
  if (t0 > t_end) {
    return 0.0;
  }
  if (d->addl == 0 || !(d->ii_h > 0.0)) {
    return 1.0;
  }
  const double span = floor((t_end - t0) / d->ii_h) + 1.0;
  if (d->addl < 0) {
    return span;
  }
  const double want = (double)d->addl + 1.0;
  return want < span ? want : span;
}

/* The steady-state part of record d at its time t (NONMEM "SS dose event record"): the implied
 * doses start at t + lag - k ii (k >= 1). Those starting at or after t are ordinary future
 * records; the latest one before t fixes the phase; implied infusions still running at t
 * continue as ordinary on/off records. */
static ru_status push_steady_state(builder *b, const rui_dose *d, size_t rec, ru_error *err) {
  const double t = d->time_h;
  if (b->nss == b->capss) {
    const size_t cap = b->capss ? b->capss * 2 : 8;
    rui_ss_block *ns = rui_realloc(b->ss, cap * sizeof *ns);
    if (ns == NULL) {
      return ru_error_set(err, RU_ENOMEM, "dose timeline: out of memory");
    }
    b->ss = ns;
    b->capss = cap;
  }
  rui_ss_block *blk = &b->ss[b->nss];
  *blk = (rui_ss_block){d->cmt, d->amount, d->rate, d->ii_h, 0.0, d->ss == 2};
  ru_status st = push(b, t, RUI_EV_SS, d->cmt, 0.0, b->nss, rec, err);
  if (st != RU_OK) {
    return st;
  }
  b->nss++;
  if (d->ii_h == 0.0) {
    /* constant infusion at steady state: lag has no meaning for an infusion running forever */
    blk->amount = 0.0;
    if (d->ss_infusion_runs) {
      st = push_infusion(b, t, d->cmt, d->rate, HUGE_VAL, rec, err);
    }
    return st;
  }
  const double ii = d->ii_h;
  /* k0: the first implied dose (k >= 1) that started strictly before t. lag/ii is rounded to
   * the nearest integer when within a few ulps of one, so lag = ii is "one cycle" exactly. */
  double q = d->lag_h / ii;
  const double qr = nearbyint(q);
  if (fabs(q - qr) <= 8.0 * DBL_EPSILON * (qr > 1.0 ? qr : 1.0)) {
    q = qr;
  }
  const double k0 = floor(q) + 1.0;
  /* implied doses in [t, t + lag): ordinary future records */
  for (double k = k0 - 1.0; k >= 1.0; k -= 1.0) {
    st = push_dose(b, d, t + d->lag_h - k * ii, rec, err);
    if (st != RU_OK) {
      return st;
    }
  }
  blk->phase_h = k0 * ii - d->lag_h;
  if (blk->phase_h <= 0.0 || blk->phase_h > ii) {
    blk->phase_h = ii; /* rounding guard: the phase is in (0, ii] by construction */
  }
  if (d->rate > 0.0) {
    const double dur = d->amount / d->rate;
    /* implied infusion k (k >= k0) started phase + (k - k0) ii before t; still running when
     * that is < dur */
    for (double m = 0.0; blk->phase_h + m * ii < dur; m += 1.0) {
      if (m > RUI_EV_MAX_DOSES) {
        return ru_error_set(err, RU_ELIMIT, "dose record %zu: infusion duration %g h spans more "
                            "than %.0f intervals", rec, dur, RUI_EV_MAX_DOSES);
      }
      const double remaining = dur - (blk->phase_h + m * ii);
      st = push_infusion(b, t, d->cmt, d->rate, remaining, rec, err);
      if (st != RU_OK) {
        return st;
      }
    }
  }
  return RU_OK;
}

static int ev_cmp(const void *pa, const void *pb) {
  const rui_ev *a = pa;
  const rui_ev *b = pb;
  if (a->t_h != b->t_h) {
    return a->t_h < b->t_h ? -1 : 1;
  }
  if (a->kind != b->kind) {
    return a->kind < b->kind ? -1 : 1;
  }
  return a->seq < b->seq ? -1 : (a->seq > b->seq ? 1 : 0);
}

/* A reset from record r at time tr cancels what earlier records still had pending at tr. */
static void cancel_pending(builder *b, const rui_dose *d) {
  for (size_t i = 0; i < b->n; i++) {
    const build_ev *r = &b->ev[i];
    if (r->ev.kind != RUI_EV_RESET) {
      continue;
    }
    const double tr = r->ev.t_h;
    for (size_t k = 0; k < b->n; k++) {
      build_ev *e = &b->ev[k];
      if (e->rec < r->rec && e->ev.kind != RUI_EV_RESET && e->ev.kind != RUI_EV_RATE_OFF &&
          e->ev.t_h >= tr && d[e->rec].time_h <= tr) {
        e->cancelled = 1;
      }
    }
  }
}

void rui_timeline_free(rui_timeline *tl) {
  if (tl == NULL) {
    return;
  }
  rui_free(tl->ev);
  rui_free(tl->ss);
  memset(tl, 0, sizeof *tl);
}

ru_status rui_timeline_build(const rui_dose *d, size_t nd, size_t n, double t_end_h,
                             rui_timeline *out, ru_error *err) {
  if (out == NULL) {
    return ru_error_set(err, RU_EINVAL, "dose timeline: NULL output");
  }
  memset(out, 0, sizeof *out);
  if ((nd > 0 && d == NULL) || !(t_end_h >= 0.0) || !isfinite(t_end_h)) {
    return ru_error_set(err, RU_EINVAL, "dose timeline: NULL records or bad horizon");
  }
  builder b;
  memset(&b, 0, sizeof b);
  b.t_end = t_end_h;
  ru_status st = RU_OK;
  double t_scale = t_end_h;
  int any_reset = 0;
  for (size_t i = 0; i < nd && st == RU_OK; i++) {
    st = rui_dose_check(&d[i], i, n, err);
    if (st != RU_OK) {
      break;
    }
    const rui_dose *r = &d[i];
    t_scale = fmax(t_scale, r->time_h + r->lag_h);
    if (r->reset_before || r->ss == 1) {
      st = push(&b, r->time_h, RUI_EV_RESET, 0, 0.0, 0, i, err);
      any_reset = 1;
      if (st != RU_OK) {
        break;
      }
    }
    if (r->ss != 0) {
      st = push_steady_state(&b, r, i, err);
      if (st != RU_OK || r->ii_h == 0.0) {
        continue; /* a constant infusion at steady state has no dose of its own */
      }
    }
    if (r->amount == 0.0) {
      continue; /* a pure reset, or an empty record */
    }
    const double t0 = r->time_h + r->lag_h;
    const double cnt = dose_count(r, t0, t_end_h);
    if (cnt > RUI_EV_MAX_DOSES) {
      st = ru_error_set(err, RU_ELIMIT, "dose record %zu: more than %.0f doses before %g h "
                        "(check the interval's unit)", i, RUI_EV_MAX_DOSES, t_end_h);
      break;
    }
    const size_t nc = (size_t)cnt;
    for (size_t k = 0; k < nc && st == RU_OK; k++) {
      st = push_dose(&b, r, t0 + (double)k * r->ii_h, i, err);
    }
  }
  if (st == RU_OK && any_reset) {
    cancel_pending(&b, d);
  }
  if (st == RU_OK) {
    out->ev = rui_malloc((b.n > 0 ? b.n : 1) * sizeof *out->ev);
    if (out->ev == NULL) {
      st = ru_error_set(err, RU_ENOMEM, "dose timeline: out of memory");
    }
  }
  if (st != RU_OK) {
    rui_free(b.ev);
    rui_free(b.ss);
    rui_free(out->ev);
    memset(out, 0, sizeof *out);
    return st;
  }
  size_t m = 0;
  for (size_t i = 0; i < b.n; i++) {
    if (!b.ev[i].cancelled) {
      out->ev[m++] = b.ev[i].ev;
    }
  }
  rui_free(b.ev);
  qsort(out->ev, m, sizeof *out->ev, ev_cmp);
  out->nev = m;
  out->ss = b.ss;
  out->nss = b.nss;
  out->ninf = b.ninf;
  out->t_scale_h = t_scale;
  return RU_OK;
}

/* --- numeric steady state ------------------------------------------------------------------- */

void rui_ss_numeric_options_default(rui_ss_numeric_options *o) {
  if (o == NULL) {
    return;
  }
  /* 1e-9 relative: below the ODE engines' own default tolerance (1e-8), so the placement adds
   * no visible error; atol in the state's units (mg). */
  o->rtol = 1e-9;
  o->atol = 1e-12;
  o->max_cycles = 100000;
  o->mask = NULL;
  o->superposition = 0;
}

size_t rui_ss_cycle_pieces(const rui_ss_block *blk, rui_ss_piece p[2]) {
  const double ii = blk->ii_h;
  if (!(blk->rate > 0.0)) {
    p[0] = (rui_ss_piece){0.0, ii, 0.0};
    return 1;
  }
  const double dur = blk->amount / blk->rate;
  /* running at tau: #{k >= 0 : tau + k ii < dur}; it changes once per cycle, at dur mod ii */
  const double full = floor(dur / ii);      /* infusions running over the whole cycle */
  const double br = dur - full * ii;        /* one more runs on [0, br) */
  if (br > 0.0 && br < ii) {
    p[0] = (rui_ss_piece){0.0, br, full + 1.0};
    p[1] = (rui_ss_piece){br, ii, full};
    return 2;
  }
  p[0] = (rui_ss_piece){0.0, ii, full};
  return 1;
}

/* Advances the engine over [a, b) of the periodic cycle. */
static ru_status run_pieces(size_t n, const rui_engine_ops *ops, void *eng,
                            const rui_ss_block *blk, const rui_ss_piece *p, size_t np, double upto,
                            double *rate, ru_error *err) {
  for (size_t k = 0; k < np; k++) {
    const double a = p[k].a_h;
    const double b = fmin(p[k].b_h, upto);
    if (!(b > a)) {
      continue;
    }
    memset(rate, 0, n * sizeof *rate);
    rate[blk->cmt] = p[k].count * blk->rate;
    const ru_status st = ops->advance(eng, a, b, b, rate, 1, err);
    if (st != RU_OK) {
      return st;
    }
  }
  return RU_OK;
}

/* Distance to the fixed point estimated from two successive changes (geometric convergence):
 * |d_c| r / (1 - r) with r = |d_c| / |d_{c-1}|, per state. */
static int converged(size_t n, const double *y, const double *d_now, const double *d_prev,
                     const rui_ss_numeric_options *o) {
  for (size_t i = 0; i < n; i++) {
    if (o->mask != NULL && !o->mask[i]) {
      continue;
    }
    const double tol = o->rtol * fabs(y[i]) + o->atol;
    const double dn = fabs(d_now[i]);
    if (dn <= tol * 1e-3) {
      continue;
    }
    const double dp = fabs(d_prev[i]);
    if (!(dp > dn)) {
      return 0; /* not (yet) contracting */
    }
    const double r = dn / dp;
    if (dn * r / (1.0 - r) > tol) {
      return 0;
    }
  }
  return 1;
}

ru_status rui_ss_numeric(size_t n, const rui_engine_ops *ops, void *eng, const rui_ss_block *b,
                         double t_h, const rui_ss_numeric_options *o, ru_error *err) {
  (void)t_h; /* the engines' right-hand sides are autonomous: the cycle runs on a local clock */
  rui_ss_numeric_options def;
  if (o == NULL) {
    rui_ss_numeric_options_default(&def);
    o = &def;
  }
  double *buf = rui_calloc(6 * n, sizeof *buf);
  if (buf == NULL) {
    return ru_error_set(err, RU_ENOMEM, "steady state: out of memory");
  }
  double *y = buf, *yprev = buf + n, *dnow = buf + 2 * n, *dprev = buf + 3 * n, *rate = buf + 4 * n;
  double *y_before = buf + 5 * n;
  rui_ss_piece p[2];
  size_t np = 1;
  /* a constant infusion runs in chunks of a fixed length; a periodic input in cycles */
  const double cycle = b->ii_h > 0.0 ? b->ii_h : 24.0;
  if (b->ii_h > 0.0) {
    np = rui_ss_cycle_pieces(b, p);
  } else {
    p[0] = (rui_ss_piece){0.0, cycle, 1.0};
  }
  rui_ss_block cb = *b;
  if (b->ii_h == 0.0) {
    cb.amount = 0.0;
  }
  ops->get(eng, yprev);
  memcpy(y_before, yprev, n * sizeof *y_before);
  for (size_t i = 0; i < n; i++) dprev[i] = HUGE_VAL;
  ru_status st = RU_OK;
  long c = 0;
  for (; c < o->max_cycles; c++) {
    if (b->ii_h > 0.0 && b->rate == 0.0) {
      ops->bolus(eng, b->cmt, b->amount);
    }
    st = run_pieces(n, ops, eng, &cb, p, np, cycle, rate, err);
    if (st != RU_OK) {
      break;
    }
    ops->get(eng, y);
    for (size_t i = 0; i < n; i++) {
      dnow[i] = y[i] - yprev[i];
    }
    if (c > 0 && converged(n, y, dnow, dprev, o)) {
      break;
    }
    memcpy(dprev, dnow, n * sizeof *dnow);
    memcpy(yprev, y, n * sizeof *y);
  }
  if (st == RU_OK && c >= o->max_cycles) {
    st = ru_error_set(err, RU_ENUMERIC, "steady state not reached after %ld cycles of %g h "
                      "(rtol %g)", o->max_cycles, cycle, o->rtol);
  }
  /* the engine holds the state at the end of a cycle = just before a dose; advance to the
   * placement phase (periodic inputs whose phase is inside the cycle) */
  if (st == RU_OK && b->ii_h > 0.0 && b->phase_h < b->ii_h) {
    if (b->rate == 0.0) {
      ops->bolus(eng, b->cmt, b->amount);
    }
    st = run_pieces(n, ops, eng, &cb, p, np, b->phase_h, rate, err);
  }
  if (st == RU_OK && o->mask != NULL) {
    /* states outside the mask keep their value from before the placement */
    ops->get(eng, y);
    for (size_t i = 0; i < n; i++) {
      if (!o->mask[i]) y[i] = y_before[i];
    }
    ops->set(eng, y);
  }
  rui_free(buf);
  return st;
}

/* SS = 2 on a linear system run by a numeric engine: the block's steady state from zero (placed
 * states only), added to the current state. */
static ru_status ss_numeric_added(size_t n, const rui_engine_ops *ops, void *eng,
                                  const rui_ss_block *b, double t_h,
                                  const rui_ss_numeric_options *o, ru_error *err) {
  double *buf = rui_malloc(2 * n * sizeof *buf);
  if (buf == NULL) {
    return ru_error_set(err, RU_ENOMEM, "steady state: out of memory");
  }
  double *now = buf, *y = buf + n;
  ops->get(eng, now);
  for (size_t i = 0; i < n; i++) {
    y[i] = (o->mask == NULL || o->mask[i]) ? 0.0 : now[i];
  }
  ops->set(eng, y);
  const ru_status st = rui_ss_numeric(n, ops, eng, b, t_h, o, err);
  if (st == RU_OK) {
    ops->get(eng, y);
    for (size_t i = 0; i < n; i++) {
      if (o->mask == NULL || o->mask[i]) y[i] += now[i];
    }
    ops->set(eng, y);
  }
  rui_free(buf);
  return st;
}

/* --- walking -------------------------------------------------------------------------------- */

typedef struct walk_state {
  double *rate;
  long *nactive;
  unsigned char *active;
} walk_state;

static ru_status apply(const rui_timeline *tl, size_t n, const rui_engine_ops *ops, void *eng,
                       const rui_ss_numeric_options *ssopt, walk_state *w, const rui_ev *e,
                       ru_error *err) {
  switch (e->kind) {
  case RUI_EV_RESET:
    ops->reset(eng);
    memset(w->rate, 0, n * sizeof *w->rate);
    memset(w->nactive, 0, n * sizeof *w->nactive);
    memset(w->active, 0, tl->ninf > 0 ? tl->ninf : 1);
    return RU_OK;
  case RUI_EV_SS: {
    const rui_ss_block *b = &tl->ss[e->id];
    if (ops->ss_place != NULL) {
      return ops->ss_place(eng, b, e->t_h, err);
    }
    if (b->add) {
      if (ssopt == NULL || !ssopt->superposition) {
        return ru_error_set(err, RU_EINVAL,
                            "SS=2 (add a steady state) is superposition, defined only for a "
                            "linear system; this subject's system is nonlinear (%s)", ops->name);
      }
      return ss_numeric_added(n, ops, eng, b, e->t_h, ssopt, err);
    }
    return rui_ss_numeric(n, ops, eng, b, e->t_h, ssopt, err);
  }
  case RUI_EV_RATE_ON:
    w->active[e->id] = 1;
    w->rate[e->cmt] += e->value;
    w->nactive[e->cmt]++;
    return RU_OK;
  case RUI_EV_RATE_OFF:
    if (w->active[e->id]) { /* a reset may have cancelled it */
      w->active[e->id] = 0;
      w->nactive[e->cmt]--;
      /* exact zero when nothing runs, so no +R -R rounding residue lingers */
      w->rate[e->cmt] = w->nactive[e->cmt] == 0 ? 0.0 : w->rate[e->cmt] - e->value;
    }
    return RU_OK;
  default:
    ops->bolus(eng, e->cmt, e->value);
    return RU_OK;
  }
}

ru_status rui_timeline_walk(const rui_timeline *tl, size_t n, const rui_engine_ops *ops, void *eng,
                            const rui_ss_numeric_options *ssopt, const double *times_h, size_t nt,
                            rui_emit_fn emit, void *user, ru_error *err) {
  if (tl == NULL || ops == NULL || n == 0 || (nt > 0 && (times_h == NULL || emit == NULL))) {
    return ru_error_set(err, RU_EINVAL, "timeline walk: NULL argument");
  }
  for (size_t j = 0; j < nt; j++) {
    if (!isfinite(times_h[j]) || times_h[j] < 0.0 || (j > 0 && times_h[j] < times_h[j - 1])) {
      return ru_error_set(err, RU_EINVAL,
                          "output time %zu (%g h) must be finite, >= 0 and ascending", j,
                          times_h[j]);
    }
  }
  if (nt == 0) {
    return RU_OK;
  }
  walk_state w;
  w.rate = rui_calloc(n, sizeof *w.rate);
  w.nactive = rui_calloc(n, sizeof *w.nactive);
  w.active = rui_calloc(tl->ninf > 0 ? tl->ninf : 1, 1);
  double *y = rui_malloc(n * sizeof *y);
  ru_status st = RU_OK;
  if (w.rate == NULL || w.nactive == NULL || w.active == NULL || y == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "timeline walk: out of memory");
    goto done;
  }
  const double tlast = times_h[nt - 1];
  double t = 0.0;
  int restart = 1;
  size_t ei = 0;
  size_t j = 0;
  while (j < nt) {
    /* the records at or before the next output */
    while (ei < tl->nev && tl->ev[ei].t_h <= times_h[j]) {
      const double te = tl->ev[ei].t_h;
      if (te > t) {
        st = ops->advance(eng, t, te, te, w.rate, restart, err);
        if (st != RU_OK) {
          goto done;
        }
        restart = 0;
        t = te;
      }
      st = apply(tl, n, ops, eng, ssopt, &w, &tl->ev[ei], err);
      if (st != RU_OK) {
        goto done;
      }
      restart = 1;
      ei++;
    }
    /* the run of outputs strictly before the next record */
    const double tnext = ei < tl->nev ? tl->ev[ei].t_h : HUGE_VAL;
    size_t k = 1;
    while (j + k < nt && times_h[j + k] < tnext) {
      k++;
    }
    const double tstop = tnext < tlast ? tnext : tlast;
    if (ops->outputs != NULL) {
      st = ops->outputs(eng, t, &times_h[j], k, tstop, w.rate, restart, emit, user, j, err);
      if (st != RU_OK) {
        goto done;
      }
    } else {
      for (size_t i = 0; i < k; i++) {
        const double to = times_h[j + i];
        if (to > t) {
          st = ops->advance(eng, t, to, tstop, w.rate, restart, err);
          if (st != RU_OK) {
            goto done;
          }
          restart = 0;
          t = to;
        }
        const double *state = y;
        if (ops->view != NULL) {
          state = ops->view(eng);
        } else {
          ops->get(eng, y);
        }
        if (emit(user, j + i, to, state) != 0) {
          st = ru_error_set(err, RU_EINTERRUPTED, "simulation stopped by the caller");
          goto done;
        }
      }
    }
    if (times_h[j + k - 1] > t) {
      t = times_h[j + k - 1];
      restart = 0;
    }
    j += k;
  }
done:
  rui_free(y);
  rui_free(w.active);
  rui_free(w.nactive);
  rui_free(w.rate);
  return st;
}
