/* The one event normaliser of the pk layer (internal API), and the walker every engine uses.
 *
 * Dose records (NONMEM semantics, already resolved to a state index and scaled by F) become one
 * canonical, time-ordered timeline of five kinds of record: reset, steady-state placement,
 * infusion off, infusion on, bolus. Every engine (closed form in linear.c, CVODE in ode.c, the
 * hybrid solver) consumes that same timeline through rui_timeline_walk and a small table of
 * engine operations, so the dosing semantics are written once:
 *
 *   - ADDL/II expansion (ADDL = -1: repeat until the horizon), lag on every explicit and implied
 *     dose, zero-order inputs as an on/off pair (duration = amount / rate).
 *   - EVID 3 (reset) and EVID 4 (reset then dose) and SS = 1 reset every resettable state and
 *     cancel infusions in progress and pending doses of earlier records (NONMEM Users Guide VI,
 *     V.F; nmhelp "SS data item").
 *   - SS = 1/2: the record is the last of an infinite series of implied doses every II. The state
 *     placed at the record time is the steady-state state of that series at the point of its cycle
 *     reached at the record time (II - ALAG with a lag: "steady state is computed as if there were
 *     no ALAG, and then there is an advance to the appropriate point in the steady-state cycle",
 *     nmhelp "SS dose event record"); implied infusions still running at the record time continue
 *     as ordinary on/off records; the dose of the record itself (at TIME + ALAG) and its ADDL
 *     doses are ordinary records. SS = 2 adds the placement to the current state (superposition).
 *   - SS constant infusion (AMT 0, RATE > 0, II 0): the state is placed at the steady state of
 *     the constant infusion; whether the infusion then continues is the record's `ss_infusion_runs`
 *     (NONMEM semantics are set by the reader, regimen/nonmem.c).
 *   - At equal times: resets, placements, infusion ends, infusion starts, boluses, and within a
 *     kind the order the records were given (NONMEM's record order).
 *
 * The walker keeps the input-rate vector (sum of running infusions per state) and hands engines
 * only "advance from t0 to t1 at these constant input rates", "add a bolus", "reset", "place a
 * steady state", "read/write the state". Engines know nothing about II, ADDL, SS or lag. */
#ifndef RU_PK_EVENTS_H
#define RU_PK_EVENTS_H

#include <stddef.h>

#include "reuptake/status.h"

/* One dose record after resolution (compartment, F, lag known). amount == 0 and rate == 0 with
 * reset_before == 1 is a pure reset (EVID 3). */
typedef struct rui_dose {
  double time_h;        /* record time (NONMEM TIME), h from the start */
  double lag_h;         /* absorption lag applied to this record's doses (explicit and implied) */
  size_t cmt;           /* state index receiving the dose */
  double amount;        /* mg per dose (after bioavailability) */
  double rate;          /* mg/h: 0 = bolus; > 0 zero-order input lasting amount / rate hours */
  double ii_h;          /* interdose interval; 0 = none */
  long addl;            /* additional doses after this one; -1 = repeat until the horizon */
  int ss;               /* 0, 1 (reset to steady state) or 2 (add steady state) */
  int reset_before;     /* 1: reset at time_h before this record (EVID 3/4; SS = 1 implies it) */
  int ss_infusion_runs; /* SS constant infusion only: 1 the infusion continues after time_h */
} rui_dose;

/* Record kinds, in processing order at equal times. */
typedef enum rui_ev_kind {
  RUI_EV_RESET = 0,
  RUI_EV_SS = 1,
  RUI_EV_RATE_OFF = 2,
  RUI_EV_RATE_ON = 3,
  RUI_EV_BOLUS = 4,
} rui_ev_kind;

typedef struct rui_ev {
  double t_h;
  rui_ev_kind kind;
  size_t cmt;     /* state index (bolus, infusion) */
  double value;   /* bolus amount (mg) or infusion rate (mg/h) */
  size_t id;      /* infusion id (on/off pair, for cancellation by a reset) or SS block index */
  size_t seq;     /* tie-break: generation order */
} rui_ev;

/* A steady-state placement: the state of an infinite periodic series of one input at a point
 * of its cycle. For a periodic bolus or infusion (ii_h > 0) the series' latest implied dose
 * started phase_h before the placement time, 0 < phase_h <= ii_h (phase_h = ii_h: just before a
 * dose, the usual case without lag), and the placed state holds every implied dose's contribution
 * up to the placement time, including the part already delivered of implied infusions still
 * running (their remainder is on the timeline as ordinary on/off records). For a constant infusion
 * (ii_h == 0) the placed state is the infusion's steady state. add: 0 replace (SS = 1, the reset
 * record precedes it), 1 add to the current state (SS = 2). */
typedef struct rui_ss_block {
  size_t cmt;
  double amount;   /* mg per implied dose (0 for a constant infusion) */
  double rate;     /* mg/h (0 = bolus) */
  double ii_h;
  double phase_h;
  int add;
} rui_ss_block;

typedef struct rui_timeline {
  rui_ev *ev;          /* sorted */
  size_t nev;
  rui_ss_block *ss;
  size_t nss;
  size_t ninf;         /* infusion ids in use (0 .. ninf-1) */
  double t_scale_h;    /* largest |time| in the run (for rounding tolerances) */
} rui_timeline;

/* Builds the timeline of doses d[0..nd) into a system of n states, up to t_end_h (doses after
 * t_end_h cannot affect an output before it and are not generated). A reset (EVID 3/4, SS = 1)
 * cancels the doses of earlier records still pending at its time (NONMEM: "infusions in progress
 * or pending additional doses are cancelled"). Validates each record (finite, non-negative, the
 * combinations NONMEM accepts) with a message naming the record index; a record that would
 * expand to more than RUI_EV_MAX_DOSES doses before t_end_h is RU_ELIMIT (almost always a unit
 * mistake). On error *out is empty. */
#define RUI_EV_MAX_DOSES 10000000.0
ru_status rui_timeline_build(const rui_dose *d, size_t nd, size_t n, double t_end_h,
                             rui_timeline *out, ru_error *err);
/* Validates one record for a system of n states (the checks rui_timeline_build applies), with a
 * message naming the record index. */
ru_status rui_dose_check(const rui_dose *d, size_t idx, size_t n, ru_error *err);

/* The input rate over one cycle [0, ii) of a periodic block at steady state is piecewise
 * constant: on [a_h, b_h) `count` implied infusions overlap (0 for a bolus). At most 2 pieces. */
typedef struct rui_ss_piece {
  double a_h, b_h;
  double count;
} rui_ss_piece;
size_t rui_ss_cycle_pieces(const rui_ss_block *b, rui_ss_piece p[2]);

/* Frees the arrays; the struct itself is the caller's. NULL-safe. */
void rui_timeline_free(rui_timeline *tl);

/* What an engine does for the walker. n is the number of states; every rate vector has n entries
 * (mg/h into each state, summed over running infusions). */
typedef struct rui_engine_ops {
  const char *name;
  /* Advances the state from t0_h to t1_h (> t0_h) with constant input rates. restart is 1 when
   * the state or the rates changed since the previous advance (an event was applied): a
   * multistep method must restart there. t_stop_h >= t1_h is the next discontinuity (event time
   * or end of the run): an integrator may step beyond t1_h up to it, never past it. */
  ru_status (*advance)(void *eng, double t0_h, double t1_h, double t_stop_h, const double *rate,
                       int restart, ru_error *err);
  /* y[cmt] += amount. Cannot fail. */
  void (*bolus)(void *eng, size_t cmt, double amount);
  /* Zeroes every resettable state (compartments; an engine may keep e.g. enzyme states). */
  void (*reset)(void *eng);
  /* Places (b->add == 0: replaces the resettable states by; 1: adds) the steady state of block b
   * at time t_h. NULL: the walker computes it by repeated dosing (rui_ss_numeric). */
  ru_status (*ss_place)(void *eng, const rui_ss_block *b, double t_h, ru_error *err);
  /* Copies the current state out / in (n values). */
  void (*get)(const void *eng, double *y);
  void (*set)(void *eng, const double *y);
  /* Optional fast paths (NULL: the walker uses advance and get). view: the current state without
   * a copy, valid until the next operation. outputs: advances from t0_h through k output times
   * (t0_h <= times[0] <= ... <= times[k-1], no record in between; an output equal to the current
   * time is emitted without advancing), calling emit(user, j0 + i, times[i], state) at each;
   * RU_EINTERRUPTED when emit asks to stop. */
  const double *(*view)(const void *eng);
  ru_status (*outputs)(void *eng, double t0_h, const double *times_h, size_t k, double t_stop_h,
                       const double *rate, int restart, int (*emit)(void *, size_t, double,
                                                                     const double *),
                       void *user, size_t j0, ru_error *err);
} rui_engine_ops;

/* Called at each output time j with the state there (right-continuous: a record at an output
 * time is applied before the output). Return 0 to continue, non-zero to stop (RU_EINTERRUPTED). */
typedef int (*rui_emit_fn)(void *user, size_t j, double t_h, const double *y);

/* Options of the numeric steady state (engines without a closed-form ss_place). */
typedef struct rui_ss_numeric_options {
  double rtol;      /* convergence: every state changes by less than rtol*|y| + atol over a cycle */
  double atol;
  long max_cycles;  /* RU_ENUMERIC when not converged after this many cycles */
  const unsigned char *mask; /* n entries: 1 = a state the steady state places (tested for
                              * convergence); 0 = kept at its value before the placement (e.g.
                              * AUC accumulators, which never converge). NULL = every state. */
  int superposition;  /* 1: the system is linear (run on this engine for a cross-check), so an
                       * SS = 2 placement is the block's steady state from zero added to the
                       * current state; 0: SS = 2 is refused */
} rui_ss_numeric_options;
void rui_ss_numeric_options_default(rui_ss_numeric_options *o);

/* Walks the timeline from t = 0 with the engine's current state, emitting every output time
 * (ascending, >= 0). SS = 2 on an engine without a closed-form ss_place is refused
 * (RU_EINVAL: superposition needs a linear system) unless ssopt->superposition says the system is
 * linear. ssopt may be NULL (defaults). */
ru_status rui_timeline_walk(const rui_timeline *tl, size_t n, const rui_engine_ops *ops, void *eng,
                            const rui_ss_numeric_options *ssopt, const double *times_h, size_t nt,
                            rui_emit_fn emit, void *user, ru_error *err);

/* Steady state of block b by repeated dosing on the engine (the empirical steady state of NONMEM
 * 7.5 and mrgsolve's approach), starting from the engine's current state, then advanced to the
 * block's phase. Leaves the engine at the placed state. */
ru_status rui_ss_numeric(size_t n, const rui_engine_ops *ops, void *eng, const rui_ss_block *b,
                         double t_h, const rui_ss_numeric_options *o, ru_error *err);

#endif
