/* Dosing regimens: the command-line grammar and NONMEM-style event datasets, both turned into
 * one list of NONMEM-semantics event records.
 *
 * Grammar (DESIGN.md): DRUG:DOSE[:qINTERVAL][:for=DURATION|:n=COUNT][:start=TIME]
 *   DOSE in mg, ug or g; INTERVAL/DURATION/TIME in min, h, d or w; qd/bid/tid = q24h/q12h/q8h.
 *   Without an interval the regimen is a single dose; with an interval and neither for= nor n=
 *   it repeats until the end of the simulation. Extensions are documented in docs/regimens.md.
 * Dataset columns: ID, TIME, AMT, EVID (0-4), CMT or DRUG, II, ADDL, SS (0/1/2), RATE (> 0, or -1 / -2
 * with the R / D columns), MDV, and the per-record dose modifiers F (bioavailability), ALAG (lag),
 * R (rate when RATE = -1) and D (duration when RATE = -2); docs/regimens.md has each NONMEM rule
 * and the test that covers it. */
#ifndef RU_REGIMEN_H
#define RU_REGIMEN_H

#include <stddef.h>

#include "reuptake/kb.h"
#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ru_evid {
  RU_EVID_OBSERVATION = 0,
  RU_EVID_DOSE = 1,
  RU_EVID_OTHER = 2,
  RU_EVID_RESET = 3,
  RU_EVID_RESET_DOSE = 4,
} ru_evid;

typedef enum ru_cmt {
  RU_CMT_DEFAULT = 0, /* oral depot for the grammar; per-dataset CMT otherwise */
  RU_CMT_DEPOT = 1,   /* absorption compartment (oral) */
  RU_CMT_CENTRAL = 2, /* central compartment (IV bolus or infusion) */
} ru_cmt;

/* One event record, NONMEM semantics. */
typedef struct ru_event {
  long id;                      /* subject ID (1 for command-line regimens) */
  char compound[RU_NAME_MAX];   /* as given (resolved against the KB by the PK layer) */
  double time_h;                /* TIME */
  double amount_mg;             /* AMT (0 for observations) */
  double rate_mg_per_h;         /* RATE: 0 = bolus; > 0 zero-order infusion at this rate */
  ru_evid evid;                 /* EVID */
  int ss;                       /* SS: 0, 1 (reset to steady state) or 2 (add steady state) */
  double ii_h;                  /* II: interdose interval, 0 when none */
  long addl;                    /* ADDL: additional doses; -1 = repeat until the simulation end */
  ru_cmt cmt;                   /* CMT */
  int mdv;                      /* MDV (observations) */
  /* Per-record dose modifiers (NONMEM Fn, ALAGn, Rn, Dn given as data items). A flag 0 means
   * "not given": the compound's own bioavailability and lag apply (docs/regimens.md). */
  int has_bioav;                /* 1: bioav applies to this record */
  double bioav;                 /* F: fraction of AMT that enters, >= 0 (relative, may exceed 1) */
  int has_lag;                  /* 1: lag_h applies to this record */
  double lag_h;                 /* ALAG: lag of this record's doses (explicit and implied), h */
  double model_rate_mg_per_h;   /* R: the infusion rate when RATE = -1 (rate_mg_per_h == -1) */
  double model_dur_h;           /* D: the infusion duration when RATE = -2 (rate_mg_per_h == -2) */
} ru_event;

/* RATE codes of NONMEM: the rate (-1) or the duration (-2) comes from the model, i.e. here from
 * the record's R or D data item. */
#define RU_RATE_MODELLED_RATE (-1.0)
#define RU_RATE_MODELLED_DURATION (-2.0)
#define RU_REGIMEN_MAX_BIOAV 10.0     /* largest F data item (relative bioavailability) */

typedef struct ru_regimen ru_regimen;

/* Limits enforced by the grammar, the dataset reader and ru_regimen_add (docs/regimens.md). */
#define RU_REGIMEN_SPEC_MAX 256           /* longest command-line regimen, bytes */
#define RU_REGIMEN_MAX_DOSE_MG 1e6        /* largest single amount */
#define RU_REGIMEN_MAX_TIME_H 1e6         /* largest TIME, II, start=, for=, inf= (~114 years) */
#define RU_REGIMEN_MIN_INTERVAL_H (1.0 / 60.0) /* smallest II and inf= duration: 1 min */
#define RU_REGIMEN_MAX_RATE_MG_PER_H 1e9  /* largest infusion rate */
#define RU_REGIMEN_MAX_COUNT 1000000L     /* largest n= and ADDL + 1 */
#define RU_REGIMEN_MAX_EVENTS 10000000UL  /* most records in one regimen */

RU_API ru_status ru_regimen_new(ru_regimen **out, ru_error *err);
RU_API void ru_regimen_free(ru_regimen *r);   /* NULL-safe */

/* Parses one command-line regimen and appends its event(s). On error nothing is appended and
 * the message names the bad part, e.g. "regimen 'x:20mg:q0h': interval must be > 0". */
RU_API ru_status ru_regimen_parse(ru_regimen *r, const char *spec, ru_error *err);
/* Reads a NONMEM-style CSV event dataset and appends its records (every error names the row
 * and column). */
RU_API ru_status ru_regimen_read_dataset(ru_regimen *r, const char *path, ru_error *err);
/* Same, from a memory buffer (fuzzing, tests); name is used in messages. */
RU_API ru_status ru_regimen_read_dataset_buffer(ru_regimen *r, const char *data, size_t len,
                                                const char *name, ru_error *err);
/* Maps the dataset's own column names to the dose-modifier items before reading, like
 * `--data-map F=BIOAV,ALAG=LAGT,R=RATEM,D=DUR` (items F, ALAG, R, D; names case-insensitive).
 * Replaces any earlier map. Bad spec: RU_EPARSE naming the part. */
RU_API ru_status ru_regimen_set_data_map(ru_regimen *r, const char *spec, ru_error *err);
/* Warnings collected while reading datasets (e.g. a column named like another tool's dose
 * modifier, F1, ALAG1, LAGT, ..., that reuptake does not read): one line each, owned by r. */
RU_API size_t ru_regimen_warning_count(const ru_regimen *r);
RU_API const char *ru_regimen_warning(const ru_regimen *r, size_t i);
/* Appends one event (validated). */
RU_API ru_status ru_regimen_add(ru_regimen *r, const ru_event *ev, ru_error *err);

RU_API size_t ru_regimen_count(const ru_regimen *r);
RU_API const ru_event *ru_regimen_event(const ru_regimen *r, size_t i);
/* Distinct subject IDs in order of first appearance. */
RU_API size_t ru_regimen_id_count(const ru_regimen *r);
RU_API long ru_regimen_id(const ru_regimen *r, size_t i);
/* A new regimen with only the records of subject id (caller frees). */
RU_API ru_status ru_regimen_subset(const ru_regimen *r, long id, ru_regimen **out, ru_error *err);
/* Time of the last explicit dose including expanded ADDL doses (infinite repeats excluded).
 * 0 when the regimen has no dose. */
RU_API double ru_regimen_last_dose_h(const ru_regimen *r);
/* The output rows of a dataset (NONMEM's): the times of its observation and other records (EVID
 * 0 and 2) in record order, one per time (a record not later than the previous output time is
 * skipped). times has room for ru_regimen_count(r) values (NULL: only count). Returns how many. */
RU_API size_t ru_regimen_output_times(const ru_regimen *r, double *times);

/* Appends every record of src to r, all or nothing (on error r is unchanged). */
RU_API ru_status ru_regimen_append(ru_regimen *r, const ru_regimen *src, ru_error *err);
/* 1 when some record of r has subject id, else 0. */
RU_API int ru_regimen_has_id(const ru_regimen *r, long id);

#ifdef __cplusplus
}
#endif
#endif /* RU_REGIMEN_H */
